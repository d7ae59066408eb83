#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests, the demo and benchmarks: initdb into DIR, loopback
# only, a random port, TLS from a test CA made here, scram-sha-256 passwords in a 0600 passfile.
#
#   scripts/pg-cluster.sh start DIR        prints KEY=VALUE lines (PORT, CA, PASSFILE, OWNER_URI, APP_URI, ...)
#   scripts/pg-cluster.sh newdb DIR NAME   a new empty database NAME owned by haven_owner; prints its URIs
#   scripts/pg-cluster.sh standby DIR      a hot standby of DIR's server (streaming replication,
#                                          read-only); prints STANDBY_PORT and its APP_URI for a database
#   scripts/pg-cluster.sh stop DIR         stops the server(s) (immediate) and removes DIR
#
# Installs Debian's postgresql when it is missing (as root). The server runs as the `postgres`
# system user when started by root (PostgreSQL refuses to run as root).
set -euo pipefail

command=${1:?usage: pg-cluster.sh start|newdb|stop DIR [NAME]}
dir=${2:?usage: pg-cluster.sh start|newdb|stop DIR [NAME]}

bindir() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [[ -z "$found" ]]; then
    if [[ $(id -u) -eq 0 ]]; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2
      found=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    else
      echo "pg-cluster: PostgreSQL is not installed (sudo apt-get install postgresql)" >&2
      exit 1
    fi
  fi
  echo "$found"
}

as_server() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

uris() {
  local name=$1
  source "$dir/cluster.env"
  local common="host=localhost&hostaddr=127.0.0.1&sslrootcert=$dir/ca.crt&passfile=$dir/pgpass"
  echo "OWNER_URI=postgres://haven_owner@localhost:$PORT/$name?$common"
  echo "APP_URI=postgres://haven_app@localhost:$PORT/$name?$common"
  echo "PLAIN_APP_URI=postgres://haven_app@localhost:$PORT/$name?hostaddr=127.0.0.1&sslmode=disable&passfile=$dir/pgpass"
}

psql_super() {
  source "$dir/cluster.env"
  as_server "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir/socket" -p "$PORT" -U postgres "$@"
}

newdb() {
  local name=$1
  psql_super -d postgres -c "CREATE DATABASE $name OWNER haven_owner" \
    -c "REVOKE ALL ON DATABASE $name FROM PUBLIC" -c "GRANT CONNECT ON DATABASE $name TO haven_owner, haven_app"
  psql_super -d "$name" -c "REVOKE ALL ON SCHEMA public FROM PUBLIC" -c "ALTER SCHEMA public OWNER TO haven_owner"
  uris "$name"
}

case "$command" in
  start)
    umask 022
    BIN=$(bindir)
    mkdir -p "$dir" "$dir/socket"
    dir=$(cd "$dir" && pwd)
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    owner_password=$(openssl rand -hex 24)
    app_password=$(openssl rand -hex 24)
    super_password=$(openssl rand -hex 24)
    # Test CA and a server certificate for localhost / 127.0.0.1.
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=Haven test CA" \
      -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=localhost" -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$dir/san.ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
      -extfile "$dir/san.ext" -out "$dir/server.crt" 2>/dev/null
    printf '%s\n' "$super_password" > "$dir/superpw"
    chmod 600 "$dir/server.key" "$dir/ca.key" "$dir/superpw"
    if [[ $(id -u) -eq 0 ]]; then chown -R postgres:postgres "$dir"; chmod 755 "$dir"; fi
    as_server "$BIN/initdb" -D "$dir/data" -U postgres --pwfile="$dir/superpw" --auth-local=trust \
      --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
    cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/socket'
ssl = on
ssl_cert_file = '$dir/server.crt'
ssl_key_file = '$dir/server.key'
max_connections = 60
synchronous_commit = on
fsync = on
CONF
    cat >"$dir/data/pg_hba.conf" <<HBA
local all postgres trust
local replication postgres trust
hostssl all all 127.0.0.1/32 scram-sha-256
hostnossl all all 127.0.0.1/32 scram-sha-256
HBA
    as_server "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -s start
    {
      echo "BIN=$BIN"
      echo "PORT=$port"
    } > "$dir/cluster.env"
    # The password file belongs to whoever runs haven (libpq refuses one readable by others).
    printf 'localhost:%s:*:haven_owner:%s\nlocalhost:%s:*:haven_app:%s\n127.0.0.1:%s:*:haven_app:%s\n' \
      "$port" "$owner_password" "$port" "$app_password" "$port" "$app_password" > "$dir/pgpass"
    chown "$(id -u):$(id -g)" "$dir/pgpass" "$dir/cluster.env"
    chmod 600 "$dir/pgpass"
    psql_super -d postgres \
      -c "CREATE ROLE haven_owner LOGIN PASSWORD '$owner_password'" \
      -c "CREATE ROLE haven_app LOGIN PASSWORD '$app_password'"
    echo "DIR=$dir"
    echo "PORT=$port"
    echo "CA=$dir/ca.crt"
    echo "PASSFILE=$dir/pgpass"
    echo "DATA=$dir/data"
    newdb haven
    ;;
  newdb)
    newdb "${3:?usage: pg-cluster.sh newdb DIR NAME}"
    ;;
  standby)
    name=${3:?usage: pg-cluster.sh standby DIR DATABASE}
    source "$dir/cluster.env"
    standby_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_server "$BIN/pg_basebackup" -h "$dir/socket" -p "$PORT" -U postgres -D "$dir/standby" -R -X stream -c fast >&2
    printf 'port = %s\nunix_socket_directories = %s\n' "$standby_port" "'$dir/socket'" >> "$dir/standby/postgresql.conf"
    as_server "$BIN/pg_ctl" -D "$dir/standby" -l "$dir/standby.log" -w -s start
    printf 'localhost:%s:*:haven_app:%s\n' "$standby_port" "$(awk -F: '$4 == "haven_app" { print $5; exit }' "$dir/pgpass")" >> "$dir/pgpass"
    echo "STANDBY_PORT=$standby_port"
    echo "APP_URI=postgres://haven_app@localhost:$standby_port/$name?host=localhost&hostaddr=127.0.0.1&sslrootcert=$dir/ca.crt&passfile=$dir/pgpass"
    ;;
  stop)
    if [[ -f "$dir/cluster.env" ]]; then
      source "$dir/cluster.env"
      [[ -d "$dir/standby" ]] && { as_server "$BIN/pg_ctl" -D "$dir/standby" -m immediate -w -s stop || true; }
      as_server "$BIN/pg_ctl" -D "$dir/data" -m immediate -w -s stop || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: pg-cluster.sh start|newdb|stop DIR [NAME]" >&2
    exit 2
    ;;
esac
