#!/usr/bin/env bash
# Measures unlock + `status` on a vault whose signed directory has grown (100 users, 20 teams of
# five, 241 directory entries), as whole processes on a release build: on a workstation that has
# pinned the vault (signatures verified before are not checked again) and at a first unlock on a
# new workstation (every signature verified). Medians of RUNS runs. A measurement, not a test.
set -euo pipefail
umask 077  # passphrase files must be private: haven refuses shared ones
RUNS="${RUNS:-9}"
SCRATCH="${SCRATCH:-.build}"
swift build -c release --scratch-path "$SCRATCH" >/dev/null
H="$SCRATCH/release/haven"
W="$(mktemp -d)"
trap 'rm -rf "$W"' EXIT
export HAVEN_VAULT="$W/vault" HAVEN_KNOWN_VAULTS="$W/known"
printf 'measurement admin passphrase\n' > "$W/a.pw"
printf 'measurement worker passphrase\n' > "$W/w.pw"
"$H" init --admin ada --name "Measurement" --kdf interactive --passphrase-file "$W/a.pw" --recovery-key-out "$W/rk" >/dev/null
for t in $(seq 1 20); do "$H" team add "t$t" --user ada --passphrase-file "$W/a.pw" >/dev/null; done
for u in $(seq 1 100); do
  "$H" user add "u$u" --role worker --new-passphrase-file "$W/w.pw" --user ada --passphrase-file "$W/a.pw" >/dev/null
  "$H" team add-member "t$(( (u - 1) / 5 + 1 ))" "u$u" --user ada --passphrase-file "$W/a.pw" >/dev/null
done
for u in $(seq 1 100); do "$H" status --user "u$u" --passphrase-file "$W/w.pw" >/dev/null; done
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000 )); }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}'; }
pinned=(); for _ in $(seq "$RUNS"); do pinned+=("$(ms "$H" status --user u7 --passphrase-file "$W/w.pw")"); done
first=(); for i in $(seq "$RUNS"); do
  first+=("$(HAVEN_KNOWN_VAULTS="$W/fresh-$i" ms "$H" status --user u7 --passphrase-file "$W/w.pw")")
done
echo "directory entries: $(sqlite3 "$HAVEN_VAULT/vault.sqlite" 'SELECT count(*) FROM directory_entries' 2>/dev/null || echo '?')"
echo "unlock + status, pinned workstation: $(median "${pinned[@]}") ms"
echo "unlock + status, first unlock on a workstation (every signature verified): $(median "${first[@]}") ms"
