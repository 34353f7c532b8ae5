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
#    (internal/pgtest). PG=0 skips it. Target: <= 1.5x.
# 3. `updplan report compliance -by=collection` over that data (All Systems
#    with every client, a declared pilot collection of 100). Target: <= 0.5 s.
# 4. `updplan plan` with a `data "compliance"` over All Systems against the
#    same plan without it. Target: <= 0.3 s more.
# 5. `updplan plan` showing the compliance of its deployments (the pilot
#    one and one over All Systems) against `plan -compliance=false`.
#
# Figures are medians (import: of 3 runs, the others of 5) and move with
# the machine's load: run it on a quiet machine.
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

echo "-- 1. import into SQLite"
sqlite_import() {
  rm -f "$work/plain.db"
  measure -label "sqlite3 .import --csv (plain table)" -- sqlite3 "$work/plain.db" ".import --csv $work/scans.csv scans"
}
updplan_import() {
  rm -f "$work/site/site.db"*
  cp "$work/template.db" "$work/site/site.db"
  measure -label "updplan inventory import (SQLite)" -dir "$work/site" -- "$work/updplan" -no-color inventory import "$work/scans.csv"
}
median 3 sqlite_import
median 3 updplan_import
median 3 measure -label "updplan inventory import again (unchanged)" -dir "$work/site" -- "$work/updplan" -no-color inventory import "$work/scans.csv"

echo "-- 3. report"
median 5 measure -label "updplan report compliance -by=collection" -dir "$work/site" -- "$work/updplan" -no-color report compliance -by=collection

echo "-- 4. plan with and without a data source"
median 5 measure -label "updplan plan (no data source)" -dir "$work/site" -- "$work/updplan" -no-color plan
cat >"$work/site/data.upd.hcl" <<HCL
data "compliance" "all" {
  site       = "LAB"
  collection = "SMS00001"
}

output "reported_percent" {
  value = data.compliance.all.reported_percent
}
HCL
median 5 measure -label "updplan plan (data \"compliance\", All Systems)" -dir "$work/site" -- "$work/updplan" -no-color plan

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
median 5 measure -label "updplan plan -compliance=false" -dir "$work/site" -- "$work/updplan" -no-color plan -compliance=false
median 5 measure -label "updplan plan (compliance of 2 deployments)" -dir "$work/site" -- "$work/updplan" -no-color plan
(cd "$work/site" && "$work/updplan" -no-color plan | grep -E '# (deployment\.[a-z]+: )?compliance:')

if [ "$PG" = 1 ]; then
  echo "-- 2. import into PostgreSQL (Go benchmark, private cluster)"
  BENCH_CLIENTS=$CLIENTS BENCH_UPDATES=$UPDATES go test -run '^$' -bench 'BenchmarkImportPostgres' -benchtime "${PG_RUNS:-3}x" ./providers/sitedb/compliance | grep -E '^Benchmark|^ok|FAIL'
fi
