package compliance_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/updplan/updplan/internal/cputime"
	"github.com/updplan/updplan/internal/pgtest"
	"github.com/updplan/updplan/providers/sitedb/compliance"
)

// scanFile writes clients x updates scan rows, as bench/compliance.sh does.
func scanFile(b *testing.B, clients, updates int) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "scans.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	states := []string{"Installed", "Required", "Not Required", "Reboot pending", "Unknown"}
	fmt.Fprintln(w, "ResourceID,Name0,UniqueUpdateID,ID,QNumbers,Title,LastStateName,ScanDateTime,LastHWScan")
	for c := 0; c < clients; c++ {
		for u := 0; u < updates; u++ {
			fmt.Fprintf(w, "%d,PC%05d,%08x-7b7f-4a39-8b8e-%012d,MS08-%03d,%d,\"Security Update for Windows XP (KB%d)\",%s,2026-11-%02dT08:00:00Z,2026-11-%02dT09:00:00Z\n",
				16777220+c, c, u, u, u, 950000+u, 950000+u, states[(c*7+u*3)%5], 1+c%28, 1+c%28)
		}
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	return path
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// BenchmarkImportPostgres imports BENCH_CLIENTS x BENCH_UPDATES rows
// (default 1,000 x 100) into a fresh PostgreSQL site database per
// iteration, and reports beside it the time psql's \copy takes to load the
// same file into a plain table (psql-s/op) and the ratio. With
// BENCH_PG_OTHER_SITE=1 another site's scan is stored first, so the
// import is the site's first but scan_results is not empty (its primary
// key is then kept up row by row instead of built after the COPY).
func BenchmarkImportPostgres(b *testing.B) {
	psql, err := exec.LookPath("psql")
	if err != nil {
		b.Skip("psql is not installed: install the Debian package postgresql-client")
	}
	path := scanFile(b, envInt("BENCH_CLIENTS", 1000), envInt("BENCH_UPDATES", 100))
	var ours, theirs, goCPU time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s := openStore(b, "postgres")
		if os.Getenv("BENCH_PG_OTHER_SITE") == "1" {
			if _, err := s.DB.Exec(`INSERT INTO scan_results (site, resource_id, update_id, bulletin, article, title, state, scanned_at)
				VALUES ('LB2', 1, 'u1', 'MS08-001', '950001', 'Update', 'installed', '2026-11-30T08:00:00Z')`); err != nil {
				b.Fatal(err)
			}
		}
		var dsn string
		// The same server and database: the plain table beside ours.
		s.DB.QueryRow(`SELECT current_database()`).Scan(&dsn)
		conn := pgtest.DSN(b)
		b.StartTimer()
		start, cpu := time.Now(), cputime.Process()
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		res, d := s.Import(context.Background(), "scans.csv", f, compliance.ImportOptions{Site: "LAB"})
		f.Close()
		if d.HasErrors() || res.Rejected != 0 {
			b.Fatalf("import: %s %+v", d.Error(), res)
		}
		ours += time.Since(start)
		goCPU += cputime.Process() - cpu
		b.StopTimer()
		cmd := exec.Command(psql, conn, "-v", "ON_ERROR_STOP=1", "-q", "-c",
			"CREATE TABLE scans (ResourceID bigint, Name0 text, UniqueUpdateID text, ID text, QNumbers text, Title text, LastStateName text, ScanDateTime text, LastHWScan text)",
			"-c", `\copy scans from '`+path+`' csv header`)
		start = time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("psql: %v\n%s", err, out)
		}
		theirs += time.Since(start)
		b.StartTimer()
	}
	b.ReportMetric(theirs.Seconds()/float64(b.N), "psql-s/op")
	b.ReportMetric(ours.Seconds()/float64(b.N), "updplan-s/op")
	b.ReportMetric(float64(ours)/float64(theirs), "ratio")
	b.ReportMetric(goCPU.Seconds()/float64(b.N), "go-cpu-s/op")
}
