package smbconn

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// DefaultPort is the SMB port.
const DefaultPort = 445

// Location is a folder on a share: smb://HOST[:PORT]/SHARE/path or
// \\HOST\SHARE\path.
type Location struct {
	Host  string
	Port  int    // DefaultPort when not given
	Share string // never empty
	Path  string // inside the share, backslash-separated, no leading backslash; "" for its root
}

// Address is host:port.
func (l Location) Address() string { return net.JoinHostPort(l.Host, strconv.Itoa(l.Port)) }

// UNC is \\HOST\SHARE[\path] (the port is not part of a UNC path).
func (l Location) UNC() string {
	s := `\\` + l.Host + `\` + l.Share
	if l.Path != "" {
		s += `\` + l.Path
	}
	return s
}

// String is the smb:// form.
func (l Location) String() string {
	host := l.Host
	if l.Port != DefaultPort {
		host = l.Address()
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	u := url.URL{Scheme: "smb", Host: host, Path: "/" + l.Share}
	if l.Path != "" {
		u.Path += "/" + strings.ReplaceAll(l.Path, `\`, "/")
	}
	return u.String()
}

// ParseURL parses smb://HOST[:PORT]/SHARE[/path].
func ParseURL(raw string) (Location, error) {
	s := redact(raw)
	u, err := url.Parse(raw)
	if err != nil {
		return Location{}, fmt.Errorf("%q is not a valid smb:// URL", s)
	}
	if u.Scheme != "smb" {
		return Location{}, fmt.Errorf("%q is not an smb:// URL", s)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return Location{}, fmt.Errorf("%q holds a user, query or fragment; write credentials in the provider configuration, and the URL as smb://HOST[:PORT]/SHARE/path", s)
	}
	l := Location{Host: u.Hostname(), Port: DefaultPort}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return Location{}, fmt.Errorf("%q has the port %q, which is not a number from 1 to 65535", s, p)
		}
		l.Port = n
	}
	if l.Host == "" {
		return Location{}, fmt.Errorf("%q names no server; write it as smb://HOST[:PORT]/SHARE/path", s)
	}
	return l.withPath(s, strings.Split(strings.Trim(u.Path, "/"), "/"))
}

// ParseUNC parses \\HOST\SHARE[\path] (forward slashes are accepted too).
// A UNC path has no port: the port is DefaultPort (use the URL form for
// another).
func ParseUNC(s string) (Location, error) {
	t := strings.ReplaceAll(s, "/", `\`)
	if !strings.HasPrefix(t, `\\`) {
		return Location{}, fmt.Errorf("%q is not a UNC path; write it as \\\\HOST\\SHARE\\path", s)
	}
	parts := strings.Split(strings.TrimPrefix(t, `\\`), `\`)
	l := Location{Host: parts[0], Port: DefaultPort}
	if l.Host == "" {
		return Location{}, fmt.Errorf("%q names no server; write it as \\\\HOST\\SHARE\\path", s)
	}
	return l.withPath(s, parts[1:])
}

// redact hides the password of a URL written with user:password@.
func redact(s string) string {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return s
	}
	auth, tail, ok := strings.Cut(rest, "@")
	if !ok || strings.ContainsAny(auth, "/") {
		return s
	}
	if user, _, ok := strings.Cut(auth, ":"); ok {
		return scheme + "://" + user + ":****@" + tail
	}
	return s
}

// Parse accepts either form.
func Parse(s string) (Location, error) {
	if strings.HasPrefix(strings.ToLower(s), "smb://") {
		return ParseURL(s)
	}
	return ParseUNC(s)
}

func (l Location) withPath(orig string, parts []string) (Location, error) {
	var segs []string
	for _, p := range parts {
		switch p {
		case "", ".":
			continue
		case "..":
			return Location{}, fmt.Errorf("%q holds \"..\"; write the folder without it", orig)
		}
		segs = append(segs, p)
	}
	if len(segs) == 0 {
		return Location{}, fmt.Errorf("%q names no share; write it as smb://HOST[:PORT]/SHARE/path or \\\\HOST\\SHARE\\path", orig)
	}
	l.Share, l.Path = segs[0], strings.Join(segs[1:], `\`)
	return l, nil
}
