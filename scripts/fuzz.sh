#!/usr/bin/env bash
# Builds the libFuzzer targets (Sources/HavenFuzz) with ASan and runs each for SECONDS (default 5:
# the quick mode `make test` uses; `make soak` runs 300). Seeds come from Fuzz/corpus/TARGET (kept
# in the repo); new inputs go to a scratch directory, and with MERGE=1 the interesting ones are
# merged back into the repo corpus. Prints executions and coverage per target; exits non-zero on
# any crash, leak or hang (the crashing input is kept in .build-fuzz/crashes).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-${FUZZ_SECONDS:-5}}"
SCRATCH=.build-fuzz
swift build --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address --product HavenFuzz --scratch-path "$SCRATCH" >/dev/null
TOOLCHAIN_LIB="$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")/lib/swift/linux"
echo 'int havenFuzzDriverAnchor(void) { return 0; }' > "$SCRATCH/anchor.c"
clang -fsanitize=fuzzer,address "$SCRATCH/anchor.c" -o "$SCRATCH/haven-fuzz" -L"$SCRATCH/debug" -lHavenFuzz \
  -Wl,-rpath,"$PWD/$SCRATCH/debug" -Wl,-rpath,"$TOOLCHAIN_LIB" 2>/dev/null
mkdir -p "$SCRATCH/crashes"
status=0
for target in csv export keyfile identity envelope directory; do
  work="$SCRATCH/new/$target"
  rm -rf "$work" && mkdir -p "$work"
  log="$SCRATCH/$target.log"
  if ! SWIFT_BACKTRACE=enable=no HAVEN_FUZZ_TARGET="$target" "$SCRATCH/haven-fuzz" -max_total_time="$SECONDS_PER_TARGET" \
    -timeout=10 -rss_limit_mb=4096 -artifact_prefix="$SCRATCH/crashes/$target-" "$work" "Fuzz/corpus/$target" >"$log" 2>&1; then
    echo "fuzz $target: FAILED (see $log and $SCRATCH/crashes)"; status=1; continue
  fi
  echo "fuzz $target: $(grep -E '^#[0-9]+.*DONE' "$log" | sed -E 's/^#([0-9]+).*cov: ([0-9]+) ft: ([0-9]+).*exec\/s: ([0-9]+).*/\1 executions, coverage \2 edges (\3 features), \4 exec\/s/')"
  if [ "${MERGE:-0}" = 1 ]; then
    HAVEN_FUZZ_TARGET="$target" "$SCRATCH/haven-fuzz" -merge=1 "Fuzz/corpus/$target" "$work" >/dev/null 2>&1
  fi
done
exit $status
