package share

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"
)

// driver is a file server: where share folders are, and its share table.
// Implementations are safe for concurrent use.
type driver interface {
	// Locate maps the share path of a server to its folder, confined to the
	// driver's roots. The error is a *problem for bad paths.
	Locate(server, path string) (folder, error)
	// FolderExists reports whether the folder is there.
	FolderExists(f folder) (bool, error)
	// MakeFolder creates the folder and its parents when missing.
	MakeFolder(f folder) error
	// Shares returns the shares of one server, sorted by name.
	Shares(ctx context.Context, server string) ([]Share, error)
	// Servers returns the servers that have shares, with the spelling the
	// share table keeps.
	Servers(ctx context.Context) ([]string, error)
	// Edit runs decide on the current shares of server while holding the
	// driver's lock and makes the edits it returns; an error from decide
	// changes nothing. Edits apply in order.
	Edit(ctx context.Context, server string, decide func(current []Share) ([]edit, error)) error
}

// folder is where a share's folder is.
type folder struct {
	Shown string // local_path: what users see
	Real  string // absolute, for file system calls
}

// Share is one share of the table. Names compare case-insensitively.
type Share struct {
	Name                string `json:"name"`
	Path                string `json:"path"` // as configured, e.g. D:\ITMU\PkgSource
	Description         string `json:"description,omitempty"`
	Access              []ACE  `json:"access"` // sorted by principal, case-insensitively
	ConcurrentUserLimit int64  `json:"concurrent_user_limit"`
	FolderEnumeration   string `json:"folder_enumeration"`
	Caching             string `json:"caching"`
	Owner               string `json:"owner,omitempty"` // address of the resource that manages it
	// What the owner's configuration asked for, so that an import restores
	// it: the name before next_free, on_name_taken, allow_broad_access.
	RequestedName    string    `json:"requested_name,omitempty"`
	OnNameTaken      string    `json:"on_name_taken,omitempty"`
	AllowBroadAccess bool      `json:"allow_broad_access,omitempty"`
	ID               string    `json:"id"` // changes when a share is created or adopted
	Created          time.Time `json:"created"`
}

// ACE is one share ACL entry.
type ACE struct {
	Principal string `json:"principal"`
	Rights    string `json:"rights"` // full, change, read or deny
	// SID is the principal's SID when the driver knows it (smb driver).
	SID string `json:"-"`
}

// resolver is a driver that names principals by SID: Resolve returns the
// SID of each principal on server, by folded principal ("" unknown).
type resolver interface {
	Resolve(ctx context.Context, server string, principals []string) (map[string]string, error)
}

// edit is one change to the shares of a server: remove a share by name, or
// put one (replacing the share of that name).
type edit struct {
	remove string
	put    *Share
}

// problem is an error that carries its diagnostic: a short summary and a
// detail that ends with what to do.
type problem struct {
	Summary, Detail string
	Attr            string // the attribute it is about, when the caller does not know better
}

func (p *problem) Error() string { return p.Summary + ": " + p.Detail }

// fold is the comparison key of share, server and principal names.
func fold(s string) string { return strings.ToLower(s) }

// find returns the share named name, or nil.
func find(shares []Share, name string) *Share {
	k := fold(name)
	for i := range shares {
		if fold(shares[i].Name) == k {
			return &shares[i]
		}
	}
	return nil
}

// newID returns a fresh share id.
func newID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported systems
	return hex.EncodeToString(b[:])
}

// fault returns a problem.
func fault(summary, detail string) *problem { return &problem{Summary: summary, Detail: detail} }

// pathFault returns a problem about the share path.
func pathFault(summary, detail string) *problem {
	return &problem{Summary: summary, Detail: detail, Attr: "path"}
}
