#!/usr/bin/env bash
# Installs the system libraries Haven links against, if they are missing: libsodium (cryptography),
# SQLite (the embedded store) and libpq (the PostgreSQL server store); PostgreSQL's server and
# openssl for the server-store tests' own throwaway cluster (scripts/pg-cluster.sh); Chromium for the report's browser test and tmux for the terminal tests.
# Needs root or sudo on Debian/Ubuntu; does nothing when everything is present.
set -euo pipefail

missing=()
pkg-config --exists libsodium 2>/dev/null || missing+=(libsodium-dev)
{ [ -f /usr/include/sqlite3.h ] || pkg-config --exists sqlite3 2>/dev/null; } || missing+=(libsqlite3-dev)
pkg-config --exists libpq 2>/dev/null || missing+=(libpq-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
# The server-store tests and `make demo STORE=postgres` start their own cluster with initdb.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
# The report's browser test renders it in headless Chromium (docs/export.md).
{ command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; } || missing+=(chromium)
# The editor and shell flows are tested in a real pseudo-terminal driven through tmux.
[ -x /usr/bin/tmux ] || missing+=(tmux)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "haven: installing ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "haven: please install ${missing[*]} with your package manager" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
