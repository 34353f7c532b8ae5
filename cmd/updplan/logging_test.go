package main

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSetupLogging(t *testing.T) {
	var stderr bytes.Buffer
	for _, tc := range []struct {
		level      string
		wantLogged []string // messages logged at error, warn, info, debug, trace
	}{
		{"", nil},
		{"error", []string{"e"}},
		{"WARN", []string{"e", "w"}},
		{"info", []string{"e", "w", "i"}},
		{"debug", []string{"e", "w", "i", "d"}},
		{"trace", []string{"e", "w", "i", "d", "t"}},
	} {
		stderr.Reset()
		closeLog, err := setupLogging([]string{"UPDPLAN_LOG=" + tc.level}, &stderr)
		if err != nil {
			t.Fatal(err)
		}
		slog.Error("e")
		slog.Warn("w")
		slog.Info("i")
		slog.Debug("d")
		slog.Log(t.Context(), LevelTrace, "t")
		closeLog()
		var got []string
		for _, line := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
			if i := strings.Index(line, "msg="); i >= 0 {
				got = append(got, line[i+4:])
			}
		}
		if strings.Join(got, ",") != strings.Join(tc.wantLogged, ",") {
			t.Errorf("UPDPLAN_LOG=%q logged %v, want %v", tc.level, got, tc.wantLogged)
		}
		if tc.level == "trace" && !strings.Contains(stderr.String(), "level=TRACE msg=t") {
			t.Errorf("trace lines are not labelled TRACE:\n%s", stderr.String())
		}
	}

	closeLog, err := setupLogging([]string{"UPDPLAN_LOG=verbose"}, &stderr)
	closeLog()
	if err == nil || !strings.Contains(err.Error(), "error, warn, info, debug or trace") {
		t.Errorf("bad level: %v", err)
	}

	path := filepath.Join(t.TempDir(), "updplan.log")
	closeLog, err = setupLogging([]string{"UPDPLAN_LOG=info", "UPDPLAN_LOG_PATH=" + path}, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	stderr.Reset()
	slog.Info("to the file")
	closeLog()
	b, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(b), "to the file") || stderr.Len() != 0 {
		t.Errorf("log file: %q %v; stderr %q", b, err, stderr.String())
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("log file mode %v, want 0600", fi.Mode().Perm())
	}
	closeLog, err = setupLogging([]string{"UPDPLAN_LOG=info", "UPDPLAN_LOG_PATH=" + filepath.Join(path, "no", "dir")}, &stderr)
	closeLog()
	if err == nil {
		t.Errorf("an unopenable log path is not reported")
	}
}
