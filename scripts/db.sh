#!/usr/bin/env bash
# Finds or starts a PostgreSQL server for `make run` and `make test`, and prints
# the URL to use on stdout (everything else goes to stderr).
#
#   scripts/db.sh app     a URL to the application database (caunoi), created when missing
#   scripts/db.sh admin   a URL to the maintenance database (postgres), for tests
#
# Order (API.md): DATABASE_URL when set; else a server on 127.0.0.1:5432 that
# accepts user postgres; else a private cluster under .data/postgres made with
# this machine's own PostgreSQL binaries (initdb / pg_ctl).
set -euo pipefail
mode=${1:-app}
root=$(cd "$(dirname "$0")/.." && pwd)
say() { echo "db: $*" >&2; }

with_db() { # with_db URL NAME: the URL with its database replaced by NAME
  python3 - "$1" "$2" <<'PY' 2>/dev/null || echo "$1" | sed -E "s#(postgres(ql)?://[^/]+)/[^?]*#\1/$2#"
import sys, urllib.parse as u
p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path='/' + sys.argv[2])))
PY
}

# psql -w: never ask for a password (a server that wants one fails at once
# with its message instead of waiting on a prompt nobody sees).
ensure_db() { # ensure_db ADMIN_URL NAME
  if ! psql -w "$1" -tAc "SELECT 1 FROM pg_database WHERE datname='$2'" | grep -q 1; then
    psql -w "$1" -qc "CREATE DATABASE \"$2\"" >/dev/null && say "created database $2"
  fi
}

db_name() { # db_name URL: the database a URL names
  python3 - "$1" <<'PY' 2>/dev/null || echo "$1" | sed -E 's#^[^/]*//[^/]*/([^?]*).*#\1#'
import sys, urllib.parse as u
print(u.unquote(u.urlsplit(sys.argv[1]).path.lstrip('/')))
PY
}

emit() { # emit ADMIN_URL
  if [ "$mode" = admin ]; then echo "$1"; else ensure_db "$1" caunoi; with_db "$1" caunoi; fi
}

if [ -n "${DATABASE_URL:-}" ]; then
  say "using DATABASE_URL"
  if [ "$mode" = admin ]; then with_db "$DATABASE_URL" postgres; exit 0; fi
  # The database it names is created when the server has none of that name
  # (make run on a fresh server); when that cannot be done, say what to do.
  name=$(db_name "$DATABASE_URL")
  if command -v psql >/dev/null && [ -n "$name" ] && ! psql -w "$DATABASE_URL" -tAc 'SELECT 1' >/dev/null 2>&1; then
    admin=$(with_db "$DATABASE_URL" postgres)
    if psql -w "$admin" -tAc 'SELECT 1' >/dev/null 2>&1; then
      ensure_db "$admin" "$name" || { say "cannot create database $name on that server: create it (createdb $name) or grant CREATEDB"; exit 1; }
    else
      say "cannot reach the server of DATABASE_URL ($(psql -w "$admin" -tAc 'SELECT 1' 2>&1 | head -1)); check the host, port, user and password"
      exit 1
    fi
  fi
  echo "$DATABASE_URL"
  exit 0
fi

local_url=${CAUNOI_LOCAL_PG_URL:-"postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"}
if command -v psql >/dev/null && psql -w "$local_url" -tAc 'SELECT 1' >/dev/null 2>&1; then
  say "using the PostgreSQL server on 127.0.0.1:5432 (user postgres)"
  emit "$local_url"
  exit 0
fi

bindir=""
for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r) /usr/local/pgsql/bin; do
  [ -x "$d/initdb" ] && { bindir=$d; break; }
done
if [ -z "$bindir" ] && command -v pg_config >/dev/null; then bindir=$(pg_config --bindir); fi
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  say "no PostgreSQL found: set DATABASE_URL to a server, start one on 127.0.0.1:5432 with user postgres,"
  say "or install PostgreSQL (Debian: apt-get install postgresql postgresql-contrib) and run this again."
  exit 1
fi

data="$root/.data/postgres"
port=${CAUNOI_PRIVATE_PG_PORT:-5433}
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
mkdir -p "$root/.data"
if [ ! -f "$data/PG_VERSION" ]; then
  say "initialising a private cluster in .data/postgres with $bindir"
  mkdir -p "$data"
  [ "$(id -u)" = 0 ] && chown -R postgres: "$root/.data"
  as_owner "$bindir/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi
if ! as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  say "starting the private cluster on 127.0.0.1:$port"
  as_owner "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -w \
    -o "-p $port -k $data -c listen_addresses=127.0.0.1" start >/dev/null
fi
emit "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
