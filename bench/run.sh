#!/usr/bin/env bash
# Whole-process benchmark of updplan, side by side with Terraform when
# `terraform` is on the PATH (it uses only the builtin terraform_data).
#
#   bash bench/run.sh [N] [CHAIN]      (defaults: 1000 objects, chains of 10)
#
# Each figure is the best of three runs: wall time and peak resident memory.
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

# best runs a measure command three times and prints the fastest line (the
# seconds stand before a lone "s": labels contain spaces).
best() {
  for i in 1 2 3; do "$@"; done |
    awk '{ for (i = 1; i < NF; i++) if ($(i+1) == "s") { print $i "\t" $0; break } }' |
    sort -n | head -1 | cut -f2-
}

echo "== $N objects in chains of $CHAIN ($(nproc) cores)"
best measure -label "updplan version (floor)" -dir "$work/u" -- "$work/updplan" version
# A fresh apply each time: new site database and state.
fresh_apply() {
  rm -rf "$work/u/site.db"* "$work/u/updplan.state"*
  measure -label "updplan apply (create)" -dir "$work/u" -- "$work/updplan" -no-color apply -auto-approve
}
best fresh_apply
best measure -label "updplan plan (no-op)" -dir "$work/u" -- "$work/updplan" -no-color plan -detailed-exitcode

if command -v terraform >/dev/null 2>&1; then
  go run ./bench/gen -tool terraform -n "$N" -chain "$CHAIN" -out "$work/t"
  export TF_IN_AUTOMATION=1 TF_CLI_CONFIG_FILE=/dev/null
  best measure -label "terraform plan (create)" -dir "$work/t" -- terraform plan -input=false -no-color -lock=false
  measure -label "terraform apply (create)" -dir "$work/t" -- terraform apply -input=false -auto-approve -no-color
  best measure -label "terraform plan (no-op)" -dir "$work/t" -- terraform plan -input=false -no-color -detailed-exitcode
else
  echo "(terraform not on the PATH: no side-by-side figures)"
fi
