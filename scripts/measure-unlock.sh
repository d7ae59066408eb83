#!/usr/bin/env bash
# Measures one unlock at each Argon2id level, as whole `haven status` processes on a release
# build, against the floor measured in the same run: the same process doing everything but the
# unlock (`haven --version`). Reports the median of RUNS runs. Not a test: a measurement.
set -euo pipefail
umask 077  # passphrase files must be private: haven refuses shared ones
RUNS="${RUNS:-7}"
SCRATCH="${SCRATCH:-.build}"
swift build -c release --scratch-path "$SCRATCH" >/dev/null
HAVEN="$SCRATCH/release/haven"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
printf 'measurement passphrase\n' > "$WORK/pw"

median_ms() {  # runs "$@" RUNS times, prints the median wall time in milliseconds
  local times=()
  for _ in $(seq "$RUNS"); do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}'
}

floor=$(median_ms "$HAVEN" --version)
echo "process floor (haven --version): ${floor} ms"
for level in interactive moderate sensitive; do
  "$HAVEN" init --vault "$WORK/$level" --admin ada --name "Measurement" --kdf "$level" --passphrase-file "$WORK/pw" \
    --recovery-key-out "$WORK/$level.rk" >/dev/null
  total=$(median_ms "$HAVEN" status --vault "$WORK/$level" --user ada --passphrase-file "$WORK/pw")
  echo "$level: haven status ${total} ms (unlock + status - floor: $(awk -v t="$total" -v f="$floor" 'BEGIN{printf "%.1f", t-f}') ms)"
done
