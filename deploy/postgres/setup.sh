#!/usr/bin/env bash
# Creates (or brings up to date) FieldRoll's PostgreSQL role and database. Safe to run again.
#
# Run it as a PostgreSQL superuser, e.g. on the database machine:
#   sudo -u postgres deploy/postgres/setup.sh
# or from elsewhere:
#   PGHOST=db.example PGPORT=5432 PGUSER=postgres deploy/postgres/setup.sh
#
# Environment:
#   PGHOST, PGPORT, PGUSER, PGPASSWORD   how to reach PostgreSQL as a superuser (libpq's usual
#                                        variables; default: the local socket as the OS user)
#   FIELDROLL_DB_NAME       database name (default fieldroll)
#   FIELDROLL_DB_USER       role the servers log in as (default fieldroll)
#   FIELDROLL_DB_PASSWORD   its password. If unset: a new role gets a random one, printed once;
#                           an existing role keeps the password it has. If set: the role's
#                           password is set to it (that is how you change it).
#   FIELDROLL_DB_HOST       host name the servers use in their URL (default: PGHOST when it is a
#                           host name, else 127.0.0.1)
#   FIELDROLL_DB_PORT       port for that URL (default: PGPORT, else 5432)
#   FIELDROLL_DB_STATEMENT_TIMEOUT   longest statement the role may run (default 60s)
#   FIELDROLL_DB_CONNECTION_LIMIT    most connections the role may hold (default 100)
#
# What it sets, and why:
#   - the role: LOGIN only (no superuser, createdb, createrole, replication), a scram-sha-256 password;
#   - the database: owned by the role, UTF8, collation "C" (byte order: indexes stay valid across
#     operating-system upgrades; the server does its own ordering where it matters);
#   - PUBLIC may neither connect to the database nor use its public schema;
#   - for the role: synchronous_commit=on (an acknowledged push survives a crash),
#     idle_in_transaction_session_timeout=60s (a stuck process cannot hold locks forever),
#     statement_timeout and lock_timeout (a runaway query is stopped), timezone UTC.
#
# Standard output gets exactly one line, for /etc/fieldroll/fieldroll.env:
#   FIELDROLL_DATABASE_URL=postgres://fieldroll:PASSWORD@HOST:5432/fieldroll
# Everything else goes to standard error.
set -euo pipefail

say() { printf 'postgres/setup: %s\n' "$*" >&2; }
die() { printf 'postgres/setup: ERROR: %s\n' "$*" >&2; exit 1; }

db_name=${FIELDROLL_DB_NAME:-fieldroll}
db_user=${FIELDROLL_DB_USER:-fieldroll}
db_password=${FIELDROLL_DB_PASSWORD:-}
statement_timeout=${FIELDROLL_DB_STATEMENT_TIMEOUT:-60s}
connection_limit=${FIELDROLL_DB_CONNECTION_LIMIT:-100}

name_re='^[a-z_][a-z0-9_]{0,62}$'
[[ $db_name =~ $name_re ]] || die "FIELDROLL_DB_NAME must be lower-case letters, digits and _ (got '$db_name')"
[[ $db_user =~ $name_re ]] || die "FIELDROLL_DB_USER must be lower-case letters, digits and _ (got '$db_user')"
[[ $connection_limit =~ ^(-1|[0-9]+)$ ]] || die "FIELDROLL_DB_CONNECTION_LIMIT must be a number"
[[ $statement_timeout =~ ^[0-9]+(ms|s|min|h)?$ ]] || die "FIELDROLL_DB_STATEMENT_TIMEOUT must look like 60s"

command -v psql >/dev/null || die "psql is missing (Debian: apt-get install postgresql-client)"

if [[ -n ${FIELDROLL_DB_HOST:-} ]]; then
  url_host=$FIELDROLL_DB_HOST
elif [[ -n ${PGHOST:-} && ${PGHOST} != /* ]]; then
  url_host=$PGHOST
else
  url_host=127.0.0.1
fi
url_port=${FIELDROLL_DB_PORT:-${PGPORT:-5432}}

# psql as the superuser: no ~/.psqlrc, stop at the first error, quiet.
run_psql() { psql -X -q -v ON_ERROR_STOP=1 --no-password "$@"; }

# Quote a value for psql's \set (single quotes; \ and ' escaped), so it never reaches a
# command line where `ps` would show it.
psql_quote() {
  local s=${1//\\/\\\\}
  s=${s//\'/\'\'}
  printf "'%s'" "$s"
}

# Percent-encode for the URL's password part.
url_encode() {
  local LC_ALL=C s=$1 out='' c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in
      [A-Za-z0-9._~-]) out+=$c ;;
      *) out+=$(printf '%%%02X' "'$c") ;;
    esac
  done
  printf '%s' "$out"
}

run_psql -d postgres -tA -c 'SELECT 1' >/dev/null \
  || die "cannot connect to PostgreSQL as a superuser (check PGHOST, PGPORT, PGUSER, PGPASSWORD)"
is_super=$(run_psql -d postgres -tA -c "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
[[ $is_super == t ]] || die "connect as a superuser (PGUSER=postgres), not as '$(run_psql -d postgres -tA -c 'SELECT current_user')'"

role_exists=$(run_psql -d postgres -tA -v u="$db_user" <<'SQL'
SELECT count(*) FROM pg_roles WHERE rolname = :'u';
SQL
)

generated=no
if [[ -z $db_password && $role_exists == 0 ]]; then
  command -v openssl >/dev/null || die "openssl is missing; set FIELDROLL_DB_PASSWORD instead"
  db_password=$(openssl rand -hex 24)
  generated=yes
fi

# Server-wide and per-database work, in one psql session. The password travels on standard
# input, never on a command line, and statement logging is off while it is set.
{
  printf '\\set u %s\n' "$(psql_quote "$db_user")"
  printf '\\set d %s\n' "$(psql_quote "$db_name")"
  printf '\\set st %s\n' "$(psql_quote "$statement_timeout")"
  printf '\\set cl %s\n' "$connection_limit"
  if [[ -n $db_password ]]; then
    printf '\\set pw %s\n' "$(psql_quote "$db_password")"
  fi
  cat <<'SQL'
SET log_statement = 'none';
SET log_min_duration_statement = -1;
SET password_encryption = 'scram-sha-256';

SELECT format('CREATE ROLE %I LOGIN', :'u')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'u')
\gexec
ALTER ROLE :"u" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
  INHERIT CONNECTION LIMIT :cl;
SQL
  if [[ -n $db_password ]]; then
    cat <<'SQL'
ALTER ROLE :"u" WITH PASSWORD :'pw';
SQL
  fi
  cat <<'SQL'
ALTER ROLE :"u" SET synchronous_commit = 'on';
ALTER ROLE :"u" SET idle_in_transaction_session_timeout = '60s';
ALTER ROLE :"u" SET statement_timeout = :'st';
ALTER ROLE :"u" SET lock_timeout = '10s';
ALTER ROLE :"u" SET timezone = 'UTC';
ALTER ROLE :"u" SET client_encoding = 'UTF8';

SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L LC_COLLATE %L LC_CTYPE %L TEMPLATE template0',
              :'d', :'u', 'UTF8', 'C', 'C')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'d')
\gexec
ALTER DATABASE :"d" OWNER TO :"u";
REVOKE ALL ON DATABASE :"d" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"d" TO :"u";

\connect :"d"
ALTER SCHEMA public OWNER TO :"u";
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO :"u";
SQL
} | run_psql -d postgres

say "role '$db_user' and database '$db_name' are ready"
if [[ $generated == yes ]]; then
  say "a new password was generated for '$db_user'; it is printed below once and stored nowhere else"
fi

if [[ -n $db_password ]]; then
  printf 'FIELDROLL_DATABASE_URL=postgres://%s:%s@%s:%s/%s\n' \
    "$db_user" "$(url_encode "$db_password")" "$url_host" "$url_port" "$db_name"
else
  say "the password of '$db_user' was left as it was; the URL below shows it as PASSWORD"
  printf 'FIELDROLL_DATABASE_URL=postgres://%s:PASSWORD@%s:%s/%s\n' \
    "$db_user" "$url_host" "$url_port" "$db_name"
fi

say "if the servers run on another machine, pg_hba.conf needs a line such as"
say "  hostssl $db_name $db_user 192.0.2.10/32 scram-sha-256"
