#!/usr/bin/env bash
# Time from command to recorded session: N sessions recorded through one `haven shell` against
# the same N as separate `haven session record` commands, each unlocking at the given Argon2id
# level (default moderate, the production default). Release build. A measurement, not a test.
#   N=20 LEVEL=moderate scripts/measure-shell.sh
set -euo pipefail
umask 077
N="${N:-20}"
LEVEL="${LEVEL:-moderate}"
swift build -c release --scratch-path .build >/dev/null
H=.build/release/haven
W="$(mktemp -d)"
trap 'rm -rf "$W"' EXIT
export HAVEN_VAULT="$W/vault"
printf 'measurement admin passphrase\n' > "$W/a.pw"
printf 'measurement worker passphrase\n' > "$W/w.pw"
"$H" init --admin ada --name Measurement --kdf "$LEVEL" --passphrase-file "$W/a.pw" --recovery-key-out "$W/rk" >/dev/null
"$H" user add wendy --role worker --new-passphrase-file "$W/w.pw" --user ada --passphrase-file "$W/a.pw" >/dev/null
"$H" team add trauma-service --user ada --passphrase-file "$W/a.pw" >/dev/null
"$H" team add-member trauma-service wendy --user ada --passphrase-file "$W/a.pw" >/dev/null
REF=$("$H" survivor add --team trauma-service --name "Measurement Person" --user wendy --passphrase-file "$W/w.pw")
record="session record $REF --date 2026-12-01 --minutes 50 --kind one-to-one --attendance attended"

start=$(date +%s%N)
for _ in $(seq "$N"); do
  # shellcheck disable=SC2086
  printf 'Session notes for the measurement.\n' | "$H" $record --notes - --user wendy --passphrase-file "$W/w.pw" >/dev/null
done
separate=$(( ($(date +%s%N) - start) / 1000000 ))

start=$(date +%s%N)
for _ in $(seq "$N"); do echo "$record"; done | "$H" shell --user wendy --passphrase-file "$W/w.pw" >/dev/null 2>&1
shell=$(( ($(date +%s%N) - start) / 1000000 ))

echo "$N sessions at $LEVEL: separate commands $separate ms ($(( separate / N )) ms each); one shell $shell ms in all ($(( shell / N )) ms each, its one unlock included)"
