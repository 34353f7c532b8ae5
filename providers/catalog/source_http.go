package catalog

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/updplan/updplan/schema"
)

// httpError is a response the provider cannot use.
type httpError struct {
	url    string // redacted
	status string
}

func (e *httpError) Error() string { return fmt.Sprintf("%s answered %s", e.url, e.status) }

// redacted is raw for messages: its password and credential query
// parameters (sig, token, key, ...) hidden.
func redacted(raw string) string {
	if _, err := url.Parse(raw); err == nil {
		return schema.RedactURL(raw)
	}
	return "the catalog URL"
}

// scrubbedError is an error of a request to a URL with credentials, whose
// message (net/http quotes the URL with its query) has them taken out.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

// scrub takes the credentials of rawURL out of err's message.
func scrub(err error, rawURL string) error {
	if err == nil || !schema.URLHasCredentials(rawURL) {
		return err
	}
	return &scrubbedError{msg: schema.ScrubURLError(err.Error(), rawURL), err: err}
}

// conditional adds the validators of the last download to req.
func conditional(req *http.Request, last *download) {
	if last == nil {
		return
	}
	if last.ETag != "" {
		req.Header.Set("If-None-Match", last.ETag)
	}
	if last.LastModified != "" {
		req.Header.Set("If-Modified-Since", last.LastModified)
	}
}

// version is what source_version records: the ETag, else Last-Modified.
func version(etag, lastModified string) string {
	if etag != "" {
		return etag
	}
	return lastModified
}

// probe asks with HEAD whether the catalog at rawURL is still the one of
// the last download: a 304, or the same ETag or Last-Modified, says it is.
// It asks even without a last download (then the answer is "changed"), so
// that a wrong URL, a 404 or a server error fails the plan, not only the
// apply. It never reads a body.
func (p *Provider) probe(ctx context.Context, rawURL string, last *download) (unchanged bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, rawURL, nil)
	if err != nil {
		return false, scrub(err, rawURL)
	}
	if last != nil && (last.ETag != "" || last.LastModified != "") {
		conditional(req, last)
	} else {
		last = nil
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return false, scrub(err, rawURL)
	}
	resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified && last != nil:
		return true, nil
	case resp.StatusCode == http.StatusOK:
		if last == nil {
			return false, nil
		}
		etag, lm := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
		return (etag != "" && etag == last.ETag) || (etag == "" && lm != "" && lm == last.LastModified), nil
	case resp.StatusCode == http.StatusMethodNotAllowed || resp.StatusCode == http.StatusNotImplemented:
		return false, nil // no HEAD: the apply downloads and compares
	}
	return false, &httpError{url: redacted(rawURL), status: resp.Status}
}

// fetched is the outcome of a download.
type fetched struct {
	notModified        bool
	sha                string
	size               int64
	etag, lastModified string
}

// fetch downloads the catalog at rawURL, conditionally on last when it is
// not nil, handing the body to land with its announced size (0: unknown)
// and complete, which refuses a body shorter or longer than its
// Content-Length; land reports the body's SHA-256 and size. A body larger
// than the limit is refused before land sees it.
func (p *Provider) fetch(ctx context.Context, rawURL string, last *download,
	land func(body io.Reader, total int64, complete func(n int64) error) (string, int64, error)) (fetched, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return fetched{}, scrub(err, rawURL)
	}
	conditional(req, last)
	resp, err := p.client.Do(req)
	if err != nil {
		return fetched{}, scrub(err, rawURL)
	}
	defer resp.Body.Close()
	got := fetched{etag: resp.Header.Get("ETag"), lastModified: resp.Header.Get("Last-Modified")}
	switch resp.StatusCode {
	case http.StatusNotModified:
		if last == nil {
			return fetched{}, &httpError{url: redacted(rawURL), status: resp.Status + " to a request that was not conditional"}
		}
		got.notModified = true
		return got, nil
	case http.StatusOK:
	default:
		return fetched{}, &httpError{url: redacted(rawURL), status: resp.Status}
	}
	if resp.ContentLength > p.maxSize {
		return fetched{}, fmt.Errorf("%s announces %d bytes, more than the %d bytes a catalog may have", redacted(rawURL), resp.ContentLength, p.maxSize)
	}
	complete := func(n int64) error {
		if resp.ContentLength >= 0 && n != resp.ContentLength {
			return fmt.Errorf("%s sent %d bytes of the %d it announced: the download is incomplete", redacted(rawURL), n, resp.ContentLength)
		}
		return nil
	}
	got.sha, got.size, err = land(resp.Body, max(resp.ContentLength, 0), complete)
	return got, scrub(err, rawURL)
}
