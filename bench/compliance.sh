#!/usr/bin/env bash
# Compliance data, side by side in one run (issue 11):
#
#   bash bench/compliance.sh [CLIENTS] [UPDATES] [PG]   (defaults: 10000, 100, 1)
#
# 1. `updplan inventory import` of CLIENTS x UPDATES scan rows (1,000,000
#    by default) into the SQLite site database, against sqlite3's own
#    `.import --csv` of the same file into a plain table (no validation,
#    no index). Target: <= 2x, peak memory <= 150 MiB.
# 2. The same file into PostgreSQL (COPY through pgx) against
#    `psql -c '\copy ... from FILE csv header'` into a plain table: the Go
#    benchmark BenchmarkImportPostgres, which starts a private cluster
#    (internal/pgtest). PG=0 skips it. Target: <= 1.5x. It runs twice:
#    into an empty table (the primary key built after the COPY), and with
#    another site's scan stored first (the key kept up row by row).
# 3. `updplan report compliance -by=collection` over that data (All Systems
#    with every client, a declared pilot collection of 100). Target: <= 0.5 s.
# 4. `updplan plan` with a `data "compliance"` over All Systems against the
#    same plan without it. Target: <= 0.3 s more.
# 5. `updplan plan` showing the compliance of its deployments (the pilot
#    one and one over All Systems) against `plan -compliance=false`.
#
# The imports run in alternating pairs (sqlite3, then updplan; RUNS pairs,
# default 3) so that both sides of a ratio see the same load; each ratio
# is of the medians. The script ends with one table of every figure
# beside its reference and target. Figures move with the machine's load:
# run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
CLIENTS=${1:-10000}
UPDATES=${2:-100}
PG=${3:-1}
work=$(mktemp -d "${BENCH_DIR:-/tmp}/updplan-compliance-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

CGO_ENABLED=0 go build -o "$work/updplan" ./cmd/updplan
go build -o "$work/measure" ./bench/measure
measure() { "$work/measure" "$@"; }
median() {
  local n=$1 out label t m codes
  shift
  out=$(for _ in $(seq "$n"); do "$@"; done)
  label=$(echo "$out" | head -1 | sed -E 's/ +[0-9.]+ s .*//')
  t=$(echo "$out" | grep -oE '[0-9.]+ s ' | sort -n | sed -n "$(((n + 1) / 2))p")
  m=$(echo "$out" | grep -oE '[0-9.]+ MiB' | sort -n | sed -n "$(((n + 1) / 2))p")
  codes=$(echo "$out" | grep -oE 'exit=[0-9]+' | sort -u | tr '\n' ' ')
  printf '%-44s %9s %12s %s(median of %d)\n' "$label" "$t" "$m" "$codes" "$n"
}

# The scan export: every client reports every update, states spread.
awk -v C="$CLIENTS" -v U="$UPDATES" 'BEGIN {
  print "ResourceID,Name0,UniqueUpdateID,ID,QNumbers,Title,LastStateName,ScanDateTime,LastHWScan"
  split("Installed,Required,Not Required,Reboot pending,Unknown", st, ",")
  for (c = 0; c < C; c++) for (u = 0; u < U; u++)
    printf "%d,PC%05d,%08x-7b7f-4a39-8b8e-%012d,MS08-%03d,%d,\"Security Update for Windows XP (KB%d)\",%s,2026-11-%02dT08:00:00Z,2026-11-%02dT09:00:00Z\n",
      16777220 + c, c, u, u, u, 950000 + u, 950000 + u, st[(c * 7 + u * 3) % 5 + 1], 1 + c % 28, 1 + c % 28
}' >"$work/scans.csv"
awk -v C="$CLIENTS" 'BEGIN { print "CollectionID,ResourceID,Name"; for (c = 0; c < C; c++) printf "SMS00001,%d,PC%05d\n", 16777220 + c, c }' >"$work/members.csv"
rows=$((CLIENTS * UPDATES))
echo "== $rows scan rows ($CLIENTS clients x $UPDATES updates), $(du -m "$work/scans.csv" | cut -f1) MiB, $(nproc) cores"

# The site: LAB, a pilot collection of 100 declared members, a deployment.
mkdir -p "$work/site"
pilot=$(awk 'BEGIN { for (c = 0; c < 100; c++) printf "%s\"PC%05d\"", (c ? ", " : ""), c }')
cat >"$work/site/main.upd.hcl" <<HCL
site "lab" {
  code   = "LAB"
  name   = "Lab"
  server = "SITESRV"
}

collection "pilot" {
  site    = site.lab.code
  name    = "Pilot"
  members = [$pilot]
}

deployment "pilot" {
  site       = site.lab.code
  name       = "Pilot wave"
  updates    = ["KB950001", "KB950002", "KB950003"]
  collection = collection.pilot.id
  start_time = "2026-12-12T02:00:00Z"
}
HCL
(cd "$work/site" && "$work/updplan" -no-color apply -auto-approve >/dev/null)
(cd "$work/site" && "$work/updplan" -no-color inventory import "$work/members.csv" >/dev/null)
cp "$work/site/site.db" "$work/template.db"

RUNS=${RUNS:-3}
# field N of a measure line: 2 is seconds, 4 MiB.
field() { awk -v f="$1" '{ for (i = 1; i <= NF; i++) if ($i == "s") { if (f == 2) print $(i - 1); else if ($(i + 2) == "MiB") print $(i + 1) } }'; }
med() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }

echo "-- 1. import into SQLite ($RUNS alternating pairs)"
sqlite_import() {
  rm -f "$work/plain.db"
  measure -label "sqlite3 .import --csv (plain table)" -- sqlite3 "$work/plain.db" ".import --csv $work/scans.csv scans"
}
updplan_import() {
  rm -f "$work/site/site.db"*
  cp "$work/template.db" "$work/site/site.db"
  measure -label "updplan inventory import (SQLite)" -dir "$work/site" -- "$work/updplan" -no-color inventory import "$work/scans.csv"
}
: >"$work/sqlite3.txt"
: >"$work/import.txt"
for _ in $(seq "$RUNS"); do
  sqlite_import | tee -a "$work/sqlite3.txt"
  updplan_import | tee -a "$work/import.txt"
done
median "$RUNS" measure -label "updplan inventory import again (unchanged)" -dir "$work/site" -- "$work/updplan" -no-color inventory import "$work/scans.csv" | tee "$work/again.txt"
echo "-- 3. report"
median 5 measure -label "updplan report compliance -by=collection" -dir "$work/site" -- "$work/updplan" -no-color report compliance -by=collection | tee "$work/report.txt"

echo "-- 4. plan with and without a data source"
median 5 measure -label "updplan plan (no data source)" -dir "$work/site" -- "$work/updplan" -no-color plan | tee "$work/plan.txt"
cat >"$work/site/data.upd.hcl" <<HCL
data "compliance" "all" {
  site       = "LAB"
  collection = "SMS00001"
}

output "reported_percent" {
  value = data.compliance.all.reported_percent
}
HCL
median 5 measure -label "updplan plan (data \"compliance\", All Systems)" -dir "$work/site" -- "$work/updplan" -no-color plan | tee "$work/plan-data.txt"

echo "-- 5. plan with the compliance of its deployments shown, and without"
rm "$work/site/data.upd.hcl"
cat >"$work/site/all.upd.hcl" <<HCL
deployment "all" {
  site       = "LAB"
  name       = "Everyone"
  updates    = ["KB950001", "KB950002", "KB950003"]
  collection = "SMS00001"
  start_time = "2026-12-19T02:00:00Z"
}
HCL
median 5 measure -label "updplan plan -compliance=false" -dir "$work/site" -- "$work/updplan" -no-color plan -compliance=false | tee "$work/plan-nc.txt"
median 5 measure -label "updplan plan (compliance of 2 deployments)" -dir "$work/site" -- "$work/updplan" -no-color plan | tee "$work/plan-c.txt"
(cd "$work/site" && "$work/updplan" -no-color plan | grep -E '# (deployment\.[a-z]+: )?compliance:')

if [ "$PG" = 1 ]; then
  echo "-- 2. import into PostgreSQL (Go benchmark, private cluster; psql \\copy in the same iterations)"
  BENCH_CLIENTS=$CLIENTS BENCH_UPDATES=$UPDATES go test -run '^$' -bench 'BenchmarkImportPostgres' -benchtime "${PG_RUNS:-3}x" ./providers/sitedb/compliance | grep -E '^Benchmark|^ok|FAIL' | tee "$work/pg.txt"
  echo "-- 2b. the same, the table already holding another site's scan (the primary key kept up row by row)"
  BENCH_PG_OTHER_SITE=1 BENCH_CLIENTS=$CLIENTS BENCH_UPDATES=$UPDATES go test -run '^$' -bench 'BenchmarkImportPostgres' -benchtime "${PG_RUNS:-3}x" ./providers/sitedb/compliance | grep -E '^Benchmark|^ok|FAIL' | tee "$work/pg2.txt"
fi

# The final table: every figure beside its reference and target.
q=$(field 2 <"$work/sqlite3.txt" | med)
u=$(field 2 <"$work/import.txt" | med)
um=$(field 4 <"$work/import.txt" | med)
secs() { awk '{ for (i = 1; i <= NF; i++) if ($i == "s") print $(i - 1) }' "$1"; }
mib() { awk '{ for (i = 1; i <= NF; i++) if ($i == "MiB") print $(i - 1) }' "$1"; }
a=$(secs "$work/again.txt")
am=$(mib "$work/again.txt")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'; }
echo
echo "== compliance.sh: $rows rows, $(nproc) cores, medians of $RUNS (load: $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-36s %-18s %-28s %-8s %s\n' "measure" "updplan" "reference" "ratio" "target"
printf '%-36s %-18s %-28s %-8s %s\n' "import into SQLite" "$u s, $um MiB" "sqlite3 .import --csv $q s" "$(ratio "$u" "$q")" "<= 2x, <= 150 MiB"
printf '%-36s %-18s %-28s %-8s %s\n' "import again (all unchanged)" "$a s, $am MiB" "sqlite3 .import --csv $q s" "$(ratio "$a" "$q")" "-"
printf '%-36s %-18s %-28s %-8s %s\n' "report compliance -by=collection" "$(secs "$work/report.txt") s" "" "" "<= 0.5 s"
printf '%-36s %-18s %-28s %-8s %s\n' "plan with data \"compliance\"" "$(secs "$work/plan-data.txt") s" "plan without $(secs "$work/plan.txt") s" \
  "$(awk -v a="$(secs "$work/plan-data.txt")" -v b="$(secs "$work/plan.txt")" 'BEGIN { printf "%+.0f ms", (a - b) * 1000 }')" "<= +0.3 s"
printf '%-36s %-18s %-28s %-8s %s\n' "plan showing 2 deployments' compliance" "$(secs "$work/plan-c.txt") s" "-compliance=false $(secs "$work/plan-nc.txt") s" \
  "$(awk -v a="$(secs "$work/plan-c.txt")" -v b="$(secs "$work/plan-nc.txt")" 'BEGIN { printf "%+.0f ms", (a - b) * 1000 }')" "cheap"
if [ "$PG" = 1 ]; then
  pgfig() { awk '/^BenchmarkImportPostgres/ { for (i = 1; i <= NF; i++) { if ($i == "psql-s/op") p = $(i - 1); if ($i == "updplan-s/op") u = $(i - 1); if ($i == "ratio") r = $(i - 1) } } END { print p, u, r }' "$1"; }
  read -r ps us pr < <(pgfig "$work/pg.txt")
  printf '%-36s %-18s %-28s %-8s %s\n' "import into PostgreSQL" "$us s" "psql \\copy $ps s" "${pr}x" "<= 1.5x"
  read -r ps us pr < <(pgfig "$work/pg2.txt")
  printf '%-36s %-18s %-28s %-8s %s\n' "  the same, another site's rows there" "$us s" "psql \\copy $ps s" "${pr}x" "-"
fi
