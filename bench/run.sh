#!/usr/bin/env bash
# Whole-process benchmark of updplan, side by side with Terraform when
# `terraform` is on the PATH (it uses only the builtin terraform_data).
#
#   bash bench/run.sh [N] [CHAIN]      (defaults: 1000 objects, chains of 10)
#
# Each figure is the median of five runs: wall time and peak resident
# memory, each on its own.
# updplan is built as releases are, static (CGO_ENABLED=0), like Terraform's
# own release binaries; `updplan version` shows the floor any run starts
# from (the binary's pages and the Go runtime).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
CHAIN=${2:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

CGO_ENABLED=0 go build -o "$work/updplan" ./cmd/updplan
go build -o "$work/measure" ./bench/measure
go run ./bench/gen -tool updplan -n "$N" -chain "$CHAIN" -out "$work/u"
measure() { "$work/measure" "$@"; }

# median runs a measure command five times and prints its median wall time
# and its median peak memory, each on its own: a short run's figures move
# with the machine's load and with where the collector's cycles fall.
median() {
  local out label t m codes
  out=$(for i in 1 2 3 4 5; do "$@"; done)
  label=$(echo "$out" | head -1 | sed -E 's/ +[0-9.]+ s .*//')
  t=$(echo "$out" | grep -oE '[0-9.]+ s ' | sort -n | sed -n 3p)
  m=$(echo "$out" | grep -oE '[0-9.]+ MiB' | sort -n | sed -n 3p)
  codes=$(echo "$out" | grep -oE 'exit=[0-9]+' | sort -u | tr '\n' ' ')
  printf '%-30s %9s %12s %s(median of 5)\n' "$label" "$t" "$m" "$codes"
}

echo "== $N objects in chains of $CHAIN ($(nproc) cores)"
median measure -label "updplan version (floor)" -dir "$work/u" -- "$work/updplan" version
# A fresh apply each time: new site database and state.
fresh_apply() {
  rm -rf "$work/u/site.db"* "$work/u/updplan.state"*
  measure -label "updplan apply (create)" -dir "$work/u" -- "$work/updplan" -no-color apply -auto-approve
}
median fresh_apply
median measure -label "updplan plan (no-op)" -dir "$work/u" -- "$work/updplan" -no-color plan -detailed-exitcode

if command -v terraform >/dev/null 2>&1; then
  go run ./bench/gen -tool terraform -n "$N" -chain "$CHAIN" -out "$work/t"
  export TF_IN_AUTOMATION=1 TF_CLI_CONFIG_FILE=/dev/null
  median measure -label "terraform plan (create)" -dir "$work/t" -- terraform plan -input=false -no-color -lock=false
  measure -label "terraform apply (create)" -dir "$work/t" -- terraform apply -input=false -auto-approve -no-color
  median measure -label "terraform plan (no-op)" -dir "$work/t" -- terraform plan -input=false -no-color -detailed-exitcode
else
  echo "(terraform not on the PATH: no side-by-side figures)"
fi
