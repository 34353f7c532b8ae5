package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
)

// LevelTrace is UPDPLAN_LOG=trace: every provider call and SQL statement.
const LevelTrace = slog.Level(-8)

// logLevels are the values of UPDPLAN_LOG.
var logLevels = map[string]slog.Level{
	"error": slog.LevelError, "warn": slog.LevelWarn, "info": slog.LevelInfo,
	"debug": slog.LevelDebug, "trace": LevelTrace,
}

// setupLogging installs the process's log/slog logger from UPDPLAN_LOG
// (error, warn, info, debug, trace; unset: no log) and UPDPLAN_LOG_PATH
// (a file, appended to, mode 0600; unset: stderr). Everything updplan logs
// goes through slog's default logger: the engine, the providers and the
// backends log call names, addresses, SQL statement shapes, redacted
// URLs and timings, never values. The returned function restores the
// previous logger and closes the file.
func setupLogging(env []string, stderr io.Writer) (func(), error) {
	prev := slog.Default()
	restore := func() { slog.SetDefault(prev) }
	var level, path string
	for _, kv := range env {
		switch k, v, _ := strings.Cut(kv, "="); k {
		case "UPDPLAN_LOG":
			level = v
		case "UPDPLAN_LOG_PATH":
			path = v
		}
	}
	if level == "" {
		slog.SetDefault(slog.New(slog.DiscardHandler))
		return restore, nil
	}
	lvl, ok := logLevels[strings.ToLower(level)]
	if !ok {
		slog.SetDefault(slog.New(slog.DiscardHandler))
		return restore, fmt.Errorf("UPDPLAN_LOG=%q is not a log level; use error, warn, info, debug or trace", level)
	}
	w := stderr
	var f *os.File
	if path != "" {
		var err error
		f, err = os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			slog.SetDefault(slog.New(slog.DiscardHandler))
			return restore, fmt.Errorf("cannot open the log file UPDPLAN_LOG_PATH=%s: %v; check the directory and its permissions", path, err)
		}
		w = f
	}
	h := slog.NewTextHandler(w, &slog.HandlerOptions{Level: lvl, ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if a.Key == slog.LevelKey && len(groups) == 0 {
			if l, ok := a.Value.Any().(slog.Level); ok && l <= LevelTrace {
				a.Value = slog.StringValue("TRACE")
			}
		}
		return a
	}})
	slog.SetDefault(slog.New(h))
	return func() {
		restore()
		if f != nil {
			f.Close()
		}
	}, nil
}

// logEnabled reports whether the default logger logs at level.
func logEnabled(level slog.Level) bool {
	return slog.Default().Enabled(context.Background(), level)
}
