package catalog

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/updplan/updplan/schema"
)

// private is the provider's private data of one catalog: what it knows of
// the files it hashed, and of the last download.
type private struct {
	Files  map[string]stamp `json:"files,omitempty"`
	Source *download        `json:"source,omitempty"`
}

// stamp is the hash of a file as of the size, modification time and inode
// it had then; while those are unchanged the hash is taken as still true
// (verify = "metadata").
type stamp struct {
	Size    int64  `json:"size"`
	ModTime int64  `json:"mtime_ns"`
	Inode   uint64 `json:"inode,omitempty"`
	SHA256  string `json:"sha256"`
	// Signer is set when the file's signature verified under the policy
	// Policy (SignatureVerifier.Key).
	Signer string `json:"signer,omitempty"`
	Policy string `json:"policy,omitempty"`
}

// download is what the last fetch of a URL source learned.
type download struct {
	// URL is urlKey of the URL: a URL may carry a password, which has no
	// place in state.
	URL          string `json:"url"`
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	SHA256       string `json:"sha256"`
	Size         int64  `json:"size"`
	Signer       string `json:"signer,omitempty"`
	Policy       string `json:"policy,omitempty"`
}

func decodePrivate(b []byte) *private {
	pr := &private{}
	if len(b) > 0 {
		_ = json.Unmarshal(b, pr) // private data from an older build: start afresh
	}
	if pr.Files == nil {
		pr.Files = map[string]stamp{}
	}
	return pr
}

func (pr *private) encode() []byte {
	b, _ := json.Marshal(pr)
	return b
}

// keepOnly forgets the stamps of files other than paths.
func (pr *private) keepOnly(paths []string) {
	keep := map[string]bool{}
	for _, p := range paths {
		keep[p] = true
	}
	for p := range pr.Files {
		if !keep[p] {
			delete(pr.Files, p)
		}
	}
}

// urlKey identifies a URL without holding it.
func urlKey(u string) string {
	// Of the stored form: a URL with credentials is not kept as a fast,
	// unsalted hash of itself (the private data is in the state).
	sum := sha256.Sum256([]byte(schema.StoredURL(u)))
	return hex.EncodeToString(sum[:16])
}

func stampOf(info fs.FileInfo) stamp {
	return stamp{Size: info.Size(), ModTime: info.ModTime().UnixNano(), Inode: inode(info)}
}

func (s stamp) sameFile(o stamp) bool {
	return s.Size == o.Size && s.ModTime == o.ModTime && s.Inode == o.Inode
}

// errMissing says a file is not there.
var errMissing = errors.New("no such file")

// inspect returns the stamp of f: its SHA-256 and, when v is not nil, its
// verified signer, in one read. With full false a cached stamp of the same
// size, mtime and inode is reused (and so is its signer, when it was
// verified under the same policy). A signature that does not verify is a
// *SignatureError; the stamp (with the hash) is still returned.
func (p *Provider) inspect(f catalogFile, pr *private, full bool, v SignatureVerifier) (stamp, error) {
	key := f.Key()
	st, err := f.Stat()
	if errors.Is(err, errMissing) {
		delete(pr.Files, key)
	}
	if err != nil {
		return stamp{}, err
	}
	if st.Size > p.maxSize {
		return stamp{}, fmt.Errorf("%s is %d bytes, more than the %d bytes a catalog may have", key, st.Size, p.maxSize)
	}
	if old, ok := cached(pr, key, st, full, v); ok {
		return old, nil
	}
	r, err := f.Open()
	if err != nil {
		return stamp{}, err
	}
	defer r.Close()
	if p.onHash != nil {
		p.onHash(key)
	}
	var check SignatureCheck
	var w io.Writer
	if v != nil {
		check = v.Begin()
		w = check
	}
	sum, n, err := p.stream(countingReader{r, &p.bytesRead}, nil, w, nil, true)
	if err != nil {
		return stamp{}, err
	}
	// A file that changed while it was read is not cached: it is hashed
	// again next time.
	after, err := f.Stat()
	stable := err == nil && after.sameFile(st) && n == st.Size
	st.SHA256 = sum
	var sigErr error
	if check != nil {
		if st.Signer, sigErr = check.Finish(); sigErr == nil {
			st.Policy = v.Key()
		}
	}
	if stable {
		pr.Files[key] = st
	} else {
		delete(pr.Files, key)
	}
	return st, sigErr
}

// cached is the stamp recorded for key when it still holds for st: the
// same size, mtime and inode, under verify = "metadata", and (when v is
// not nil) verified under v's policy.
func cached(pr *private, key string, st stamp, full bool, v SignatureVerifier) (stamp, bool) {
	old, ok := pr.Files[key]
	if !ok || full || !old.sameFile(st) || old.SHA256 == "" || (v != nil && old.Policy != v.Key()) {
		return stamp{}, false
	}
	return old, true
}
