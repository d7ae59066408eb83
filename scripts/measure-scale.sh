#!/usr/bin/env bash
# Measures, on a release build over N synthetic survivors (default 100,000; the synthetic year is
# 2024/25), as whole `haven` processes including one Argon2id interactive unlock: the
# commissioner's report, the pseudonymised record export, a backup, its verification and a
# restore. Prints wall time and peak resident memory. A measurement, not a test. Importing N
# survivors takes a while (about 4 minutes per 100,000).
set -euo pipefail
umask 077  # passphrase files must be private: haven refuses shared ones
N="${N:-100000}"
. "$(dirname "$0")/lib/measurement-vault.sh"
reporting_vault "$N"

measure() {
  local label="$1"; shift
  local start end
  start=$(date +%s%N)
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "%M" -o "$WORK/rss" "$@" >/dev/null
  else
    "$@" >/dev/null; echo "?" > "$WORK/rss"
  fi
  end=$(date +%s%N)
  echo "$label, N=$N: $(( (end - start) / 1000000 )) ms, peak RSS $(cat "$WORK/rss") KiB"
}
measure "export report" "$HAVEN" export report --year 2024/25 --recipient "$WORK/commissioner.pub" \
  --out "$WORK/report.hvx" --user rita --passphrase-file "$WORK/rita.pw"
measure "export records" "$HAVEN" export records --year 2024/25 --recipient "$WORK/commissioner.pub" \
  --out "$WORK/records.hvx" --user rita --passphrase-file "$WORK/rita.pw"
export HAVEN_BACKUP_KEYRING="$WORK/keyring"
measure "backup" "$HAVEN" backup --out "$WORK/vault.hvb" --user ada --passphrase-file "$WORK/admin.pw"
echo "backup file: $(du -h "$WORK/vault.hvb" | cut -f1)"
measure "backup verify" "$HAVEN" backup verify "$WORK/vault.hvb" --recovery-key-file "$HAVEN_VAULT.rk"
measure "restore" "$HAVEN" restore "$WORK/vault.hvb" --to "$WORK/restored" --recovery-key-file "$HAVEN_VAULT.rk"
measure "status (unlock floor)" "$HAVEN" status --user rita --passphrase-file "$WORK/rita.pw"
echo "vault size: $(du -sh "$WORK/vault" | cut -f1)"
