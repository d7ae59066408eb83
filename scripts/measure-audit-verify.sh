#!/usr/bin/env bash
# Measures `haven audit verify` on a log of about ENTRIES (default 1,000,000) real entries, made by
# importing synthetic survivors and sessions in a release build, against a baseline measured in
# the same run: reading the same rows with no hashing (sqlite3 scanning every column).
# A measurement, not a test; takes a few minutes.
set -euo pipefail
ENTRIES="${ENTRIES:-1000000}"
. "$(dirname "$0")/lib/measurement-vault.sh"
command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3 >/dev/null; }
"$SYNTH" --out "$WORK/data" --survivors 10000 >/dev/null
as mira worker import "$WORK/data/survivors.csv" --kind survivors >/dev/null
# Pad with sessions until the log holds about ENTRIES entries, in files of 100,000 rows.
have=$(sqlite3 "$HAVEN_VAULT/vault.sqlite" "SELECT count(*) FROM audit_entries")
need=$(( ENTRIES - have ))
batch=0
while [ "$need" -gt 0 ]; do
  rows=$(( need < 100000 ? need - 1 : 100000 ))
  [ "$rows" -gt 0 ] || break
  # Each batch's sessions differ in length, so no row repeats an earlier one (an import leaves a
  # session it already holds alone: docs/import.md).
  awk -v n="$rows" -v b="$batch" 'BEGIN { print "survivor,date,minutes,kind,attendance"; for (i = 0; i < n; i++) printf "SYN-%06d,2024-%02d-%02d,%d,one-to-one,attended\n", (i % 10000) + 1, (i % 12) + 1, (i % 28) + 1, 30 + b }' > "$WORK/pad.csv"
  as mira worker import "$WORK/pad.csv" --kind sessions >/dev/null
  need=$(( ENTRIES - $(sqlite3 "$HAVEN_VAULT/vault.sqlite" "SELECT count(*) FROM audit_entries") ))
  batch=$(( batch + 1 ))
done
entries=$(sqlite3 "$HAVEN_VAULT/vault.sqlite" "SELECT count(*) FROM audit_entries")
ms() { local start end; start=$(date +%s%N); "$@" >/dev/null; end=$(date +%s%N); echo $(( (end - start) / 1000000 )); }
scan=$(ms sqlite3 "$HAVEN_VAULT/vault.sqlite" "SELECT sum(length(seq) + length(recorded_at) + length(ifnull(actor_user_id, '')) + length(action) + length(ifnull(target, '')) + length(ifnull(subject, '')) + length(outcome) + length(ifnull(detail, '')) + length(ifnull(reason, '')) + length(leaf_hash) + length(ifnull(actor_salt, ''))) FROM audit_entries")
verify=$(ms "$HAVEN" audit verify)
echo "entries: $entries"
echo "baseline scan (sqlite3, every column, no hashing): ${scan} ms"
echo "haven audit verify (whole process, release): ${verify} ms ($(awk -v v="$verify" -v s="$scan" 'BEGIN{printf "%.1f", v/s}')x the scan)"
