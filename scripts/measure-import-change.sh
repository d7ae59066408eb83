#!/usr/bin/env bash
# Import throughput before and after a change, on the same synthetic files (made by the current
# tree's haven-synth): BEFORE=<commit> is built in a worktree under .build-before; each build
# imports the five files into a vault of its own, RUNS times (a fresh vault each time), and the
# current build then imports the same files again into its vault (every row recognised, nothing
# written). Rows per second per file, release builds, whole processes (one interactive unlock
# each). A measurement, not a test.
#   BEFORE=0d13221 N=10000 scripts/measure-import-change.sh
set -euo pipefail
: "${BEFORE:?set BEFORE to the commit to compare with}"
N="${N:-10000}"
RUNS="${RUNS:-2}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
. "$ROOT/scripts/lib/before-build.sh"
. "$ROOT/scripts/lib/vault-setup.sh"
build_before "$ROOT" "$BEFORE"
OLD="$OLD/haven"
NEW="$NEW/haven"
umask 077
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"; cleanup_before "$ROOT"' EXIT
"$ROOT/.build/release/haven-synth" --out "$WORK/data" --survivors "$N" >/dev/null
printf 'measurement admin passphrase\n' > "$WORK/admin.pw"
printf 'measurement worker passphrase\n' > "$WORK/worker.pw"

# Imports every file with binary $1 into $HAVEN_VAULT and prints rows/s per file, labelled $2.
import_all() {
  local haven="$1" label="$2" line="" kind rows start end ms
  for kind in survivors referrals sessions outcomes consents; do
    rows=$(( $(wc -l < "$WORK/data/$kind.csv") ))
    start=$(date +%s%N)
    "$haven" import "$WORK/data/$kind.csv" --kind "$kind" --user mira --passphrase-file "$WORK/worker.pw" >/dev/null 2>&1
    end=$(date +%s%N)
    ms=$(( (end - start) / 1000000 ))
    line+=" $kind $(awk -v r="$rows" -v m="$ms" 'BEGIN{printf "%.0f", r*1000/m}')/s (${ms} ms);"
  done
  echo "$label:$line"
}

for run in $(seq "$RUNS"); do
  export HAVEN_VAULT="$WORK/before-$run"
  make_vault "$OLD" "$HAVEN_VAULT" "$WORK"
  import_all "$OLD" "before ($BEFORE), run $run"
  export HAVEN_VAULT="$WORK/after-$run"
  make_vault "$NEW" "$HAVEN_VAULT" "$WORK"
  import_all "$NEW" "after (working tree), run $run"
done
import_all "$NEW" "after, the same files again (every row compared, nothing written)"
