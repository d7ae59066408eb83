# Sourced by the measurement scripts. make_vault HAVEN DIR PASSDIR: a vault in DIR made by the
# binary HAVEN, with an admin (ada), a worker of both demo teams (mira), the demo services and
# districts; passphrases are read from PASSDIR/admin.pw and PASSDIR/worker.pw. Ends with mira's
# first unlock, which generates both team keys.
make_vault() {
  local haven="$1" dir="$2" pass="$3"
  vault_as() { local who="$1" file="$2"; shift 2; HAVEN_VAULT="$dir" "$haven" "$@" --user "$who" --passphrase-file "$pass/$file.pw"; }
  HAVEN_VAULT="$dir" "$haven" init --admin ada --name "Measurement" --kdf interactive --passphrase-file "$pass/admin.pw" \
    --recovery-key-out "$dir.rk" >/dev/null
  vault_as ada admin user add mira --role worker --new-passphrase-file "$pass/worker.pw" >/dev/null
  for team in trauma-service stovewood; do
    vault_as ada admin team add "$team" >/dev/null
    vault_as ada admin team add-member "$team" mira >/dev/null
  done
  for service in trauma-service specialist-counselling isva-service family-support; do
    vault_as ada admin service add "$service" >/dev/null
  done
  for district in Barnsley:E08000016 Doncaster:E08000017 Rotherham:E08000018 Sheffield:E08000019 Leeds:E08000035; do
    vault_as ada admin district add "${district%%:*}" --code "${district##*:}" >/dev/null
  done
  vault_as mira worker status >/dev/null
}
