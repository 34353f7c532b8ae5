package catalog

import (
	"log/slog"
	"net/http"
	"net/url"
	"time"
)

// loggedTransport logs every HTTP request at debug level: method, the URL
// without credentials or query (which may hold a signature token),
// status, size and duration.
type loggedTransport struct{ next http.RoundTripper }

func (t loggedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if !slog.Default().Enabled(ctx, slog.LevelDebug) {
		return t.next.RoundTrip(req)
	}
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	attrs := []any{"method", req.Method, "url", redactedURL(req.URL), "elapsed", time.Since(start)}
	if err != nil {
		attrs = append(attrs, "ok", false)
	} else {
		attrs = append(attrs, "status", resp.StatusCode, "content_length", resp.ContentLength)
	}
	slog.Log(ctx, slog.LevelDebug, "http request", attrs...)
	return resp, err
}

// redactedURL is u without user information, query or fragment.
func redactedURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	c.User, c.RawQuery, c.ForceQuery, c.Fragment, c.RawFragment = nil, "", false, "", ""
	if u.RawQuery != "" {
		return c.String() + "?(query hidden)"
	}
	return c.String()
}
