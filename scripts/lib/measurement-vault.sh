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
"$HAVEN" init --admin ada --name "Measurement" --kdf interactive --passphrase-file "$WORK/admin.pw" --recovery-key-out "$WORK/rk" >/dev/null
as ada admin user add mira --role worker --new-passphrase-file "$WORK/worker.pw" >/dev/null
for team in trauma-service stovewood; do
  as ada admin team add "$team" >/dev/null
  as ada admin team add-member "$team" mira >/dev/null
done
for service in trauma-service specialist-counselling isva-service family-support; do as ada admin service add "$service" >/dev/null; done
for district in Barnsley:E08000016 Doncaster:E08000017 Rotherham:E08000018 Sheffield:E08000019 Leeds:E08000035; do
  as ada admin district add "${district%%:*}" --code "${district##*:}" >/dev/null
done
as mira worker status >/dev/null   # first unlock of a member: generates both team keys

# A reporting user (rita), N synthetic survivors with their referrals, sessions, outcomes and
# consents imported by mira, and a commissioner's key pair: what the report measurements need.
reporting_vault() {
  printf 'measurement reporting passphrase\n' > "$WORK/rita.pw"
  as ada admin user add rita --role reporting --new-passphrase-file "$WORK/rita.pw" >/dev/null
  as ada admin recovery deliver --recovery-key-file "$WORK/rk" >/dev/null
  "$SYNTH" --out "$WORK/data" --survivors "$1" >/dev/null
  for kind in survivors referrals sessions outcomes consents; do
    as mira worker import "$WORK/data/$kind.csv" --kind "$kind" >/dev/null
  done
  "$HAVEN" keygen --out "$WORK/commissioner" >/dev/null
}
