#!/usr/bin/env bash
# The main job end to end, on a throwaway vault with obviously fake people.
# Every step is a real `haven` command; read along to see what each role can and cannot do.
set -euo pipefail

HAVEN="${HAVEN:-.build/debug/haven}"
DEMO="$(mktemp -d "${TMPDIR:-/tmp}/haven-demo.XXXXXX")"
trap 'rm -rf "$DEMO"' EXIT
export HAVEN_VAULT="$DEMO/vault"

# Demo passphrases live in 0600 files; in real use each person types theirs at a no-echo prompt.
umask 077
pw() { printf '%s\n' "$2" > "$DEMO/$1.pw"; }
pw ada "demo admin passphrase"
pw wendy "demo worker passphrase"
pw will "demo second worker"
pw rita "demo reporting passphrase"
pw audrey "demo auditor passphrase"
pw wendy-new "wendy's new passphrase"

as() { local who="$1"; shift; "$HAVEN" "$@" --user "$who" --passphrase-file "$DEMO/$who.pw"; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Create a vault (Argon2id 'interactive' to keep the demo quick; real vaults default to 'moderate')"
"$HAVEN" init --admin ada --kdf interactive --passphrase-file "$DEMO/ada.pw" --recovery-key-out "$DEMO/recovery.txt"
echo "(the recovery key went to a 0600 file for the demo; normally it is shown once, for offline custody)"

step "The admin adds staff: two support workers, a performance officer and an auditor"
as ada user add wendy --role worker --new-passphrase-file "$DEMO/wendy.pw"
as ada user add will --role worker --new-passphrase-file "$DEMO/will.pw"
as ada user add rita --role reporting --new-passphrase-file "$DEMO/rita.pw"
as ada user add audrey --role auditor --new-passphrase-file "$DEMO/audrey.pw"

step "Teams: the trauma service and the Stovewood victim-support pathway"
as ada team add trauma-service
as ada team add stovewood
as ada team add-member trauma-service wendy
as ada team add-member trauma-service will
as ada team add-member stovewood will
as ada team list

step "Wendy unlocks for the first time: as the first member she generates the trauma-service key"
as wendy team list

step "Will unlocks: he generates the stovewood key; wendy already gave him trauma-service's"
as will team list

step "The admin is not a member of any team, so holds no team key at all"
as ada team list

step "The first performance officer gets the statistics key through the recovery key (audited)"
as ada recovery deliver --recovery-key-file "$DEMO/recovery.txt"

step "A worker cannot manage users (refused, exit 77, and audited)"
if as wendy user add mallory --role admin --new-passphrase-file "$DEMO/wendy.pw"; then exit 1; else echo "exit code $?"; fi

step "A wrong passphrase is refused (exit 77) and audited"
if "$HAVEN" status --user wendy --passphrase-file "$DEMO/will.pw"; then exit 1; else echo "exit code $?"; fi

step "Wendy changes her passphrase: only her key file is re-encrypted"
as wendy user passwd --new-passphrase-file "$DEMO/wendy-new.pw"
cp "$DEMO/wendy-new.pw" "$DEMO/wendy.pw"

step "Will leaves the trauma service: the team key rotates at the next member's unlock"
as ada team remove-member trauma-service will
as wendy team list

step "Status, as the auditor sees it (counts and staff, never case content)"
as audrey status

step "The same as JSON, for scripts"
as audrey status --json | sed -n 1,20p

echo
echo "Demo finished; the throwaway vault in $DEMO is removed on exit."
