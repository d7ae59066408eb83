#!/usr/bin/env bash
# The main job end to end, on a throwaway vault with obviously fake people.
# Every step is a real `haven` command; read along to see what each role can and cannot do.
set -euo pipefail

HAVEN="${HAVEN:-.build/debug/haven}"
SYNTH="${SYNTH:-$(dirname "$HAVEN")/haven-synth}"
DEMO="$(mktemp -d "${TMPDIR:-/tmp}/haven-demo.XXXXXX")"
trap 'rm -rf "$DEMO"' EXIT
export HAVEN_VAULT="$DEMO/vault"

# STORE=postgres keeps the records on a throwaway PostgreSQL server (scripts/pg-cluster.sh:
# loopback, TLS from a test CA, verify-full); the default is the embedded SQLite file.
STORE_ARGS=()
if [[ "${STORE:-sqlite}" == postgres ]]; then
  cluster="$(mktemp -d "${TMPDIR:-/tmp}/haven-demo-pg.XXXXXX")"
  chmod 755 "$cluster" # the server may run as the postgres system user
  trap '"$(dirname "$0")/pg-cluster.sh" stop "$cluster"; rm -rf "$DEMO"' EXIT
  settings="$("$(dirname "$0")/pg-cluster.sh" start "$cluster/pg")"
  # Workstations connect as haven_app, which may append to the audit log but never change it.
  STORE_ARGS=(--store "$(sed -n 's/^APP_URI=//p' <<<"$settings")" --schema-owner "$(sed -n 's/^OWNER_URI=//p' <<<"$settings")")
fi

# Demo passphrases live in 0600 files; in real use each person types theirs at a no-echo prompt.
umask 077
pw() { printf '%s\n' "$2" > "$DEMO/$1.pw"; }
pw ada "demo admin passphrase"
pw wendy "demo worker passphrase"
pw will "demo second worker"
pw mira "demo migration lead"
pw sam "demo stovewood worker"
pw rita "demo reporting passphrase"
pw audrey "demo auditor passphrase"
pw wendy-new "wendy's new passphrase"

as() { local who="$1"; shift; "$HAVEN" "$@" --user "$who" --passphrase-file "$DEMO/$who.pw"; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Create a vault (Argon2id 'interactive' to keep the demo quick; real vaults default to 'moderate')"
"$HAVEN" init "${STORE_ARGS[@]}" --admin ada --name "Example Post-Abuse Support Partnership (demo)" --kdf interactive --passphrase-file "$DEMO/ada.pw" --recovery-key-out "$DEMO/recovery.txt"
echo "(the recovery key went to a 0600 file for the demo; normally it is shown once, for offline custody)"

step "The admin adds staff: two support workers, a performance officer and an auditor"
as ada user add wendy --role worker --new-passphrase-file "$DEMO/wendy.pw"
as ada user add will --role worker --new-passphrase-file "$DEMO/will.pw"
as ada user add rita --role reporting --new-passphrase-file "$DEMO/rita.pw"
as ada user add audrey --role auditor --new-passphrase-file "$DEMO/audrey.pw"

as ada user add mira --role worker --new-passphrase-file "$DEMO/mira.pw"
as ada user add sam --role worker --new-passphrase-file "$DEMO/sam.pw"

step "Teams: the trauma service and the Stovewood victim-support pathway; the services referrals go to"
as ada team add trauma-service
as ada team add stovewood
as ada team add-member trauma-service wendy
as ada team add-member trauma-service will
as ada team add-member stovewood will
as ada team add-member stovewood sam
as ada team add-member trauma-service mira
as ada team add-member stovewood mira
# Services have a short name for commands and a display name for reports.
for service in "trauma-service:Trauma Resilience Service" "specialist-counselling:Specialist counselling" \
  "isva-service:Independent sexual violence advisers" "family-support:Family support"; do
  as ada service add "${service%%:*}" --display-name "${service#*:}" >/dev/null
done
# District is a statistical field, so it comes from a closed list (local authorities, ONS codes).
for district in Barnsley:E08000016 Doncaster:E08000017 Rotherham:E08000018 Sheffield:E08000019 Leeds:E08000035; do
  as ada district add "${district%%:*}" --code "${district##*:}" >/dev/null
done
# The caseload measures waiting referrals against each service's targets (unset: 7 and 28 days).
as ada service targets trauma-service --triage-days 5 --allocation-days 21 >/dev/null
as ada service list
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

step "Mira migrates last year's spreadsheets: a synthetic year of a fictional partnership"
"$SYNTH" --out "$DEMO/spreadsheets" --survivors 400 --year 2024
for kind in survivors referrals sessions outcomes consents; do
  as mira import "$DEMO/spreadsheets/$kind.csv" --kind "$kind"
done

step "Mira runs the survivors import again by mistake: every row is recognised, nothing is created twice"
as mira import "$DEMO/spreadsheets/survivors.csv" --kind survivors

step "Mira's caseload across her two teams: what is due, most urgent first (old referrals still waiting)"
as mira today --limit 5

step "Wendy records a new referral by hand"
REF=$(as wendy survivor add --team trauma-service --name "Testperson Harbour" --dob 2007-08-19 --gender female \
  --cohort victim-survivor --district Rotherham --phone "07700 900777")
echo "new survivor: $REF"
printf 'mum does not know about support\n' |
  as wendy contact set "$REF" --voicemail no --letter no --text yes --times "weekdays after 3pm" --notes -
as wendy related add "$REF" --relationship parent --name "Parent Harbour-Example"
RID=$(as wendy referral add "$REF" --date 2025-04-02 --referrer-type school --referrer-role "DSL" --pathway post-cse --service trauma-service)
as wendy referral status "$RID" --to triaged --date 2025-04-03
as wendy referral status "$RID" --to allocated --date 2025-04-08 --service specialist-counselling --reason specialism
as wendy referral status "$RID" --to engaged --date 2025-04-15
as wendy session record "$REF" --date 2025-04-15 --minutes 60 --kind one-to-one --attendance attended
as wendy outcome record "$REF" --stage start --date 2025-04-15 --wellbeing 3 --self 3 --trauma 2 --relationships 4

step "Consent is recorded per purpose, with its history; a young person may consent for themselves"
as wendy consent record "$REF" --purpose statistics --decision granted --date 2025-04-15 --method competent-young-person --expires 2027-04-15 >/dev/null
as wendy consent record "$REF" --purpose contact:voicemail --decision refused --date 2025-04-15 --method verbal >/dev/null
as wendy consent show "$REF"

step "Wendy's afternoon in one unlocked shell (scripted here; at a terminal it has line editing and locks when idle)"
printf '%s\n' \
  "today --all --limit 5" \
  "session record $REF --date 2025-04-22 --minutes 50 --kind one-to-one --attendance attended" \
  "session list $REF" \
  "survivor show HV-1999-99999" \
  "exit" | as wendy shell
echo "(one passphrase for five commands, starting with what is due today; the refused one printed its exit code and the shell went on)"

step "What wendy sees before contacting her: safe-contact guidance first"
as wendy survivor show "$REF"

step "Finding people: by exact name or date of birth, through blind indexes, within your own teams"
as wendy survivor find --name "testperson harbour"
as wendy survivor list --team trauma-service | sed -n 1,6p

step "Sam works on the Stovewood pathway: he cannot read a trauma-service record (exit 77, audited)"
if as sam survivor show "$REF"; then exit 1; else echo "exit code $?"; fi

step "Wendy changes her passphrase: only her key file is re-encrypted"
as wendy user passwd --new-passphrase-file "$DEMO/wendy-new.pw"
cp "$DEMO/wendy-new.pw" "$DEMO/wendy.pw"

step "Will leaves the trauma service: the team key rotates at the next member's unlock"
as ada team remove-member trauma-service will
as wendy team list

step "The commissioner makes a key pair on their own machine and sends the public half"
"$HAVEN" keygen --out "$DEMO/commissioner" --comment "Commissioner (demo); fingerprint confirmed by phone"
"$HAVEN" export signers --out "$DEMO/signers.vkeys"
echo "(both public files would be committed to Keys/ after the fingerprints are checked out of band)"

step "Rita, the performance officer, makes the commissioner's report for 2024/25 from statistical fields alone"
as rita export report --year 2024/25 --recipient "$DEMO/commissioner.pub" --out "$DEMO/report-2024-25.hvx"

step "The commissioner opens it: no vault needed; seal, signature, recipient and every hash are checked"
"$HAVEN" export open "$DEMO/report-2024-25.hvx" --identity "$DEMO/commissioner.identity" --signers "$DEMO/signers.vkeys" \
  --out "$DEMO/commissioner-inbox"
grep -E '^"Referrals received, by referrer type"' "$DEMO/commissioner-inbox/report.csv" | head -12 || true
grep -E "^Outcomes" "$DEMO/commissioner-inbox/report.csv"
echo "(the commissioner reads $DEMO/commissioner-inbox/report.html: tables, bar charts, no scripts)"

step "A copy altered by one byte is refused (exit 65)"
cp "$DEMO/report-2024-25.hvx" "$DEMO/altered.hvx"
printf '\x00' | dd of="$DEMO/altered.hvx" bs=1 seek=200 conv=notrunc 2>/dev/null
if "$HAVEN" export open "$DEMO/altered.hvx" --identity "$DEMO/commissioner.identity"; then exit 1; else echo "exit code $?"; fi

step "Pseudonymised records for an evaluator: evaluation consent only, k-anonymous (k = 5)"
as rita export records --year 2024/25 --recipient "$DEMO/commissioner.pub" --out "$DEMO/records-2024-25.hvx"

step "A share with the police needs the survivor's consent to share with them: refused (77), nothing written"
as ada agency add police >/dev/null
if as wendy export share "$REF" --agency police --recipient "$DEMO/commissioner.pub" --out "$DEMO/share.hvx"; then exit 1; else echo "exit code $?"; fi

step "The survivor asks what is held about them: third parties withheld, staff shown as roles, access history with proofs"
"$HAVEN" keygen --out "$DEMO/survivor-advocate" >/dev/null
as wendy export subject-access "$REF" --recipient "$DEMO/survivor-advocate.pub" --out "$DEMO/sar.hvx"
"$HAVEN" export open "$DEMO/sar.hvx" --identity "$DEMO/survivor-advocate.identity" --signers "$DEMO/signers.vkeys" --out "$DEMO/sar"

step "The auditor checks the log: every access is a leaf of a signed Merkle tree"
"$HAVEN" audit verify
"$HAVEN" audit checkpoint --out "$DEMO/witness.txt"
echo "(audrey keeps $DEMO/witness.txt outside the vault: a later verify proves the log still extends it)"

step "An emergency: the duty admin may break glass (configured), giving a reason; it is flagged"
as ada config break-glass --roles admin
as wendy status >/dev/null   # a member's unlock delivers the team keys to break-glass holders
as ada survivor show "$REF" --break-glass "police welfare check, 02:10, DS on call" | sed -n 1,4p

step "Who looked at this survivor's record, when and why? (the auditor cannot read the record itself)"
as audrey audit log --survivor "$REF"
if as audrey survivor show "$REF" >/dev/null; then exit 1; else echo "audrey reading the record: exit code $?"; fi

step "The auditor's report for the period, with what is worth a look"
as audrey audit report --since 2000-01-01 --until 2100-12-31

step "A survivor asks for erasure; a legal hold stops it until an admin lifts the hold"
GONE=$(as wendy survivor add --team trauma-service --name "Testperson Erasable" --phone "07700 900555")
as ada team add-member trauma-service ada >/dev/null
as wendy status >/dev/null   # delivers the team key to ada, now a member
HOLD=$(as wendy hold add "$GONE" --reason "possible evidence, awaiting police confirmation")
if as ada survivor erase "$GONE" --reason "erasure request"; then exit 1; else echo "exit code $?"; fi
as ada hold lift "$HOLD"
as ada survivor erase "$GONE" --reason "erasure request, approved by the DPO"
if as wendy survivor show "$GONE" >/dev/null; then exit 1; else echo "the record is gone: exit code $?"; fi
if [[ "${STORE:-sqlite}" == postgres ]]; then
  # The server keeps the old row versions until the tables are rewritten by their owner.
  as ada store complete-erasures --schema-owner "$(sed -n 's/^OWNER_URI=//p' <<<"$settings")"
fi

step "Nightly backup: a consistent online copy, sealed under a new generation key kept in a separate keyring"
export HAVEN_BACKUP_KEYRING="$DEMO/keyring"     # in real use: separate media, never copied
mkdir -p "$DEMO/backups"
"$HAVEN" audit checkpoint --out "$DEMO/witness-before-backup.txt"   # the auditor's daily witness
as ada backup --out "$DEMO/backups/haven-nightly.hvb"
"$HAVEN" backup verify "$DEMO/backups/haven-nightly.hvb" --recovery-key-file "$DEMO/recovery.txt"

step "Disaster: the vault folder is deleted. Restore into a new directory, verify, compare with the auditor's witness"
rm -rf "$HAVEN_VAULT"
"$HAVEN" restore "$DEMO/backups/haven-nightly.hvb" --to "$DEMO/vault-restored" --recovery-key-file "$DEMO/recovery.txt" \
  --witness "$DEMO/witness-before-backup.txt"
export HAVEN_VAULT="$DEMO/vault-restored"
as wendy survivor show "$REF" | sed -n 1,4p
"$HAVEN" audit verify

step "A restore is never written over an existing vault (exit 73)"
if "$HAVEN" restore "$DEMO/backups/haven-nightly.hvb" --to "$HAVEN_VAULT" --recovery-key-file "$DEMO/recovery.txt"; then exit 1; else echo "exit code $?"; fi

step "Backup generations expire on a schedule: their keys are destroyed, and no one can open them again"
as ada backup list
as ada backup expire --older-than 0h
if "$HAVEN" backup verify "$DEMO/backups/haven-nightly.hvb" --recovery-key-file "$DEMO/recovery.txt"; then exit 1; else echo "exit code $?"; fi

step "Later: the log still extends the witness (an RFC 6962 consistency proof)"
"$HAVEN" audit verify --witness "$DEMO/witness.txt"

step "Status, as the auditor sees it (counts and staff, never case content)"
as audrey status

step "The same as JSON, for scripts"
as audrey status --json | sed -n 1,20p

echo
echo "Demo finished; the throwaway vault in $DEMO is removed on exit."
