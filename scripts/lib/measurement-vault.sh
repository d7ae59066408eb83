# Shared by the measurement scripts: a release build, a throwaway vault with an admin (ada), a
# worker of both demo teams (mira), the demo services, and the `as USER PASSFILE ...` helper.
# Sourced, not run. Sets HAVEN, SYNTH, WORK and HAVEN_VAULT; a caller that sets HAVEN and SYNTH
# first (another build's binaries) gets its vault made by those, and no build.
SCRATCH="${SCRATCH:-.build}"
umask 077  # passphrase files must be private: haven refuses shared ones
if [ -z "${HAVEN:-}" ]; then
  swift build -c release --scratch-path "$SCRATCH" >/dev/null
  HAVEN="$SCRATCH/release/haven"
  SYNTH="$SCRATCH/release/haven-synth"
fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export HAVEN_VAULT="$WORK/vault"
printf 'measurement admin passphrase\n' > "$WORK/admin.pw"
printf 'measurement worker passphrase\n' > "$WORK/worker.pw"
as() { local who="$1" file="$2"; shift 2; "$HAVEN" "$@" --user "$who" --passphrase-file "$WORK/$file.pw"; }
. "$(dirname "${BASH_SOURCE[0]}")/vault-setup.sh"
make_vault "$HAVEN" "$HAVEN_VAULT" "$WORK"

# A reporting user (rita), N synthetic survivors with their referrals, sessions, outcomes and
# consents imported by mira, and a commissioner's key pair: what the report measurements need.
reporting_vault() {
  printf 'measurement reporting passphrase\n' > "$WORK/rita.pw"
  as ada admin user add rita --role reporting --new-passphrase-file "$WORK/rita.pw" >/dev/null
  as ada admin recovery deliver --recovery-key-file "$HAVEN_VAULT.rk" >/dev/null
  "$SYNTH" --out "$WORK/data" --survivors "$1" >/dev/null
  for kind in survivors referrals sessions outcomes consents; do
    as mira worker import "$WORK/data/$kind.csv" --kind "$kind" >/dev/null
  done
  "$HAVEN" keygen --out "$WORK/commissioner" >/dev/null
}
