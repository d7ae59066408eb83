#!/usr/bin/env bash
# `haven caseload` at N synthetic survivors, as whole release-build processes, against the
# same user's `haven status` (unlock and one audited read: the baseline every command pays).
# The worker (mira) is in both teams, so her caseload is every survivor in the vault. The first
# caseload after the import builds the index (timed on its own); then three warm runs.
# A measurement, not a test.
#   N=100000 scripts/measure-caseload.sh
set -euo pipefail
N="${N:-100000}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
. scripts/lib/measurement-vault.sh
"$SYNTH" --out "$WORK/data" --survivors "$N" >/dev/null
for kind in survivors referrals sessions outcomes consents; do
  as mira worker import "$WORK/data/$kind.csv" --kind "$kind" >/dev/null
done
millis() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}
median() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
cold=$(millis as mira worker caseload)
status=(); warm=()
for run in 1 2 3; do
  status+=("$(millis as mira worker status)")
  warm+=("$(millis as mira worker caseload)")
done
open_cases=$(as mira worker caseload --json | sed -n 's/.*"openCases" *: *\([0-9]*\).*/\1/p' | head -1)
echo "N=$N survivors, mira's caseload: $open_cases open cases"
echo "status (unlock baseline): ${status[*]} ms, median $(median "${status[@]}") ms"
echo "caseload, first after import (builds the index): $cold ms"
echo "caseload, warm: ${warm[*]} ms, median $(median "${warm[@]}") ms"
echo "caseload - status (medians): $(( $(median "${warm[@]}") - $(median "${status[@]}") )) ms (goal: 200 ms)"
