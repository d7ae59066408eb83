#!/usr/bin/env bash
# Measures `haven import` throughput on a release build: N synthetic survivors (default 10,000)
# with their referrals, sessions and outcomes, each file imported as one all-or-nothing
# transaction by a worker of both teams. Prints rows per second per file. A measurement, not a test.
set -euo pipefail
N="${N:-10000}"
. "$(dirname "$0")/lib/measurement-vault.sh"
"$SYNTH" --out "$WORK/data" --survivors "$N"

total_rows=0
total_ms=0
for kind in survivors referrals sessions outcomes; do
  rows=$(( $(wc -l < "$WORK/data/$kind.csv") ))   # header + rows - 1 (no trailing newline) = rows
  start=$(date +%s%N)
  as mira worker import "$WORK/data/$kind.csv" --kind "$kind" >/dev/null
  end=$(date +%s%N)
  ms=$(( (end - start) / 1000000 ))
  total_rows=$(( total_rows + rows ))
  total_ms=$(( total_ms + ms ))
  echo "$kind: $rows rows in ${ms} ms ($(awk -v r="$rows" -v m="$ms" 'BEGIN{printf "%.0f", r*1000/m}') rows/s, including one Argon2id interactive unlock)"
done
echo "all: $total_rows rows in ${total_ms} ms ($(awk -v r="$total_rows" -v m="$total_ms" 'BEGIN{printf "%.0f", r*1000/m}') rows/s)"
echo "vault size: $(du -sh "$WORK/vault" | cut -f1)"
