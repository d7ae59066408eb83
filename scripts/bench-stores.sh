#!/usr/bin/env bash
# The benchmark workloads on both stores in one run (release build): the embedded SQLite file and
# a PostgreSQL server on loopback (scripts/pg-cluster.sh: TLS verify-full, scram, fsync on), each
# time a whole `haven` process (or one `haven shell` doing many operations), the ratio taken
# against SQLite measured in the same run. Then 4 workstations x OPS operations at once on each.
#
#   scripts/bench-stores.sh [SURVIVORS] [OPS]      (defaults 5000 and 500)
set -euo pipefail
cd "$(dirname "$0")/.."
SURVIVORS=${1:-5000}
OPS=${2:-500}
swift build -c release --scratch-path .build >&2
HAVEN=$PWD/.build/release/haven
SYNTH=$PWD/.build/release/haven-synth
WORK=$(mktemp -d "${TMPDIR:-/tmp}/haven-bench-stores.XXXXXX")
chmod 755 "$WORK"
trap 'scripts/pg-cluster.sh stop "$WORK/pg" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
umask 077
printf 'bench admin passphrase\n' > "$WORK/pw"
"$SYNTH" --out "$WORK/data" --survivors "$SURVIVORS" --year 2024 >/dev/null
"$HAVEN" keygen --out "$WORK/commissioner" >/dev/null
settings=$(scripts/pg-cluster.sh start "$WORK/pg")
APP=$(sed -n 's/^APP_URI=//p' <<<"$settings")
OWNER=$(sed -n 's/^OWNER_URI=//p' <<<"$settings")

now() { date +%s.%N; }
as() { local who=$1; shift; "$HAVEN" "$@" --user "$who" --passphrase-file "$WORK/pw"; }
declare -A RESULT

measure() { # store label command...
  local store=$1 label=$2; shift 2
  local start end
  start=$(now)
  "$@" >/dev/null
  end=$(now)
  RESULT[$store,$label]=$(awk "BEGIN { print $end - $start }")
}

shell_of() { # user, then lines on stdin
  "$HAVEN" shell --user "$1" --passphrase-file "$WORK/pw" >/dev/null
}

for store in sqlite postgres; do
  export HAVEN_VAULT="$WORK/$store"
  args=()
  [[ $store == postgres ]] && args=(--store "$APP" --schema-owner "$OWNER")
  "$HAVEN" init "${args[@]}" --admin ada --name Bench --kdf interactive --passphrase-file "$WORK/pw" \
    --recovery-key-out "$WORK/recovery-$store" >/dev/null
  for user in mira rita; do
    role=worker; [[ $user == rita ]] && role=reporting
    as ada user add $user --role $role --new-passphrase-file "$WORK/pw" >/dev/null
  done
  for team in trauma-service stovewood; do as ada team add $team >/dev/null; as ada team add-member $team mira >/dev/null; done
  for service in trauma-service specialist-counselling isva-service family-support; do as ada service add $service >/dev/null; done
  for district in Barnsley:E08000016 Doncaster:E08000017 Rotherham:E08000018 Sheffield:E08000019 Leeds:E08000035; do
    as ada district add "${district%%:*}" --code "${district##*:}" >/dev/null
  done
  as mira status >/dev/null
  as ada recovery deliver --recovery-key-file "$WORK/recovery-$store" >/dev/null
  measure $store "1 insert: import $SURVIVORS survivors" as mira import "$WORK/data/survivors.csv" --kind survivors
  for kind in referrals sessions outcomes consents; do as mira import "$WORK/data/$kind.csv" --kind $kind >/dev/null; done
  as mira survivor list --json > "$WORK/list-$store.json"
  refs=$(grep -o '"HV-[0-9-]*"' "$WORK/list-$store.json" | tr -d '"' | awk 'NR <= 200')
  names=$(awk -F, 'NR > 1 && NR <= 201 { print $2 }' "$WORK/data/survivors.csv")
  measure $store "2 read: 200 survivor show (one shell)" \
    bash -c "printf 'survivor show %s\n' $(echo $refs) | '$HAVEN' shell --user mira --passphrase-file '$WORK/pw'"
  measure $store "3 lookup: 200 survivor find --name (one shell)" \
    bash -c "while read -r n; do printf 'survivor find --name \"%s\"\n' \"\$n\"; done <<<'$names' | '$HAVEN' shell --user mira --passphrase-file '$WORK/pw'"
  measure $store "5 report: export report" as rita export report --year 2024/25 --recipient "$WORK/commissioner.pub" --out "$WORK/report-$store.hvx"
  measure $store "4 audit verify" "$HAVEN" audit verify
  # 4 workstations at once, each a shell adding OPS survivors.
  for w in w1 w2 w3 w4; do
    as ada user add $w --role worker --new-passphrase-file "$WORK/pw" >/dev/null
    as ada team add-member trauma-service $w >/dev/null
  done
  as mira status >/dev/null
  start=$(now)
  for w in w1 w2 w3 w4; do
    station="$HAVEN_VAULT"
    if [[ $store == postgres ]]; then
      station="$WORK/station-$w"
      "$HAVEN" store attach --vault "$station" --store "$APP" >/dev/null
      cp "$HAVEN_VAULT/keys/$w.key" "$station/keys/"
    fi
    (for i in $(seq 1 "$OPS"); do echo "survivor add --team trauma-service --name \"$w Person$i\""; done; echo exit) |
      HAVEN_VAULT="$station" "$HAVEN" shell --user $w --passphrase-file "$WORK/pw" > "$WORK/$store-$w.out" 2>&1 &
  done
  wait
  end=$(now)
  acknowledged=$(cat "$WORK"/$store-w*.out | grep -c '^HV-' || true)
  RESULT[$store,"6 four workstations x $OPS survivor add"]=$(awk "BEGIN { print $end - $start }")
  RESULT[$store,acknowledged]=$acknowledged
  "$HAVEN" audit verify >/dev/null || { echo "audit verify failed on $store after the concurrent run" >&2; exit 1; }
done

printf '| workload (%s survivors) | SQLite | PostgreSQL | ratio |\n|---|---|---|---|\n' "$SURVIVORS"
for label in "1 insert: import $SURVIVORS survivors" "2 read: 200 survivor show (one shell)" \
  "3 lookup: 200 survivor find --name (one shell)" "4 audit verify" "5 report: export report" \
  "6 four workstations x $OPS survivor add"; do
  s=${RESULT[sqlite,$label]}
  p=${RESULT[postgres,$label]}
  printf '| %s | %.2f s | %.2f s | %.2fx |\n' "$label" "$s" "$p" "$(awk "BEGIN { print $p / $s }")"
done
echo "four workstations: ${RESULT[sqlite,acknowledged]} (SQLite) and ${RESULT[postgres,acknowledged]} (PostgreSQL) of $((4 * OPS)) adds acknowledged; audit verify intact on both"
