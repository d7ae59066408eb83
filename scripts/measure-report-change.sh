#!/usr/bin/env bash
# The commissioner's report before and after a change, as whole `haven` processes on the same
# synthetic vault: BEFORE=<commit> (built in a worktree under .build-before) makes the vault and
# its reports; the current tree's release build then opens a copy (migrating it) and makes the
# same report. Three runs each, wall time and peak resident memory. A measurement, not a test.
#   BEFORE=350aa35 N=100000 scripts/measure-report-change.sh
set -euo pipefail
umask 077  # passphrase files must be private: haven refuses shared ones
: "${BEFORE:?set BEFORE to the commit to compare with}"
N="${N:-100000}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
. "$ROOT/scripts/lib/before-build.sh"
build_before "$ROOT" "$BEFORE"
HAVEN="$OLD/haven" SYNTH="$OLD/haven-synth"
. "$ROOT/scripts/lib/measurement-vault.sh"
trap 'rm -rf "$WORK"; cleanup_before "$ROOT"' EXIT
reporting_vault "$N"
cp -a "$WORK/vault" "$WORK/vault-after"

measure() {
  local label="$1"; shift
  local start end
  start=$(date +%s%N)
  /usr/bin/time -f "%M" -o "$WORK/rss" "$@" >/dev/null 2>&1
  end=$(date +%s%N)
  echo "$label, N=$N: $(( (end - start) / 1000000 )) ms, peak RSS $(cat "$WORK/rss") KiB"
}
for run in 1 2 3; do
  HAVEN_VAULT="$WORK/vault" measure "before ($BEFORE) export report, run $run" "$OLD/haven" export report --year 2024/25 \
    --recipient "$WORK/commissioner.pub" --out "$WORK/before-$run.hvx" --user rita --passphrase-file "$WORK/rita.pw"
done
# The first open by the new build migrates the copy; it is not timed.
HAVEN_VAULT="$WORK/vault-after" "$NEW/haven" status --user ada --passphrase-file "$WORK/admin.pw" >/dev/null
for run in 1 2 3; do
  HAVEN_VAULT="$WORK/vault-after" measure "after (working tree) export report, run $run" "$NEW/haven" export report \
    --year 2024/25 --recipient "$WORK/commissioner.pub" --out "$WORK/after-$run.hvx" --user rita --passphrase-file "$WORK/rita.pw"
done
