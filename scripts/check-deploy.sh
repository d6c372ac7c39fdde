#!/usr/bin/env bash
# Checks the deploy/ folder without a running systemd, Docker or real servers:
#   nginx      nginx -t on each config (throwaway certificate), and the city config served for
#              real in front of two stub processes: redirect, HSTS, /metrics allow list,
#              X-Request-ID, body size limit, POST never retried on the other process
#   systemd    systemd-analyze verify on each unit (no unknown directives or bad values),
#              the hardening directives present, systemd-analyze security exposure <= 2.0
#   shell      bash -n and shellcheck on every shell script
#   files      fieldroll.env.example, compose.yaml and the Dockerfile are consistent
#   postgres   deploy/postgres/setup.sh run three times against a throwaway PostgreSQL
#              cluster: the printed URL logs in, a second run keeps the password, PUBLIC is shut out
#   backup     deploy/backup/fieldroll-backup.sh with a stub server: retention and failures
#   server     with a built fieldroll-server (.build/release, .build/debug or $FIELDROLL_SERVER_BIN;
#              skipped without one): the county's init, serve, backup script and restore from the
#              example settings file; the city's on PostgreSQL with two processes
#   mdwe       the built fieldroll-server (or, without one, a small Swift program) under
#              MemoryDenyWriteExecute's kernel equivalent, watched by strace
# Installs the Debian packages it needs when they are missing. Safe to run again: everything it
# makes lives in a temporary folder that is removed at the end. Needs root for the installs and
# for running PostgreSQL as the postgres user.
# Prints one line per check (and what a failed check saw; CHECK_DEPLOY_VERBOSE=1 shows it for
# every check) and ends with "deploy checks: N passed, M failed"; exits 1 if M > 0.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

# ---- packages ------------------------------------------------------------------------------------
need=()
for pkg in nginx systemd postgresql postgresql-client shellcheck openssl curl strace python3-yaml util-linux procps binutils; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "check-deploy: installing ${need[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  # Installing nginx or PostgreSQL must not start their services on this machine.
  policy_made=no
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod 0755 /usr/sbin/policy-rc.d
    policy_made=yes
  fi
  export DEBIAN_FRONTEND=noninteractive
  installed=yes
  { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; } || installed=no
  [ "$policy_made" = no ] || $SUDO rm -f /usr/sbin/policy-rc.d
  [ "$installed" = yes ] || { echo "check-deploy: could not install ${need[*]}" >&2; exit 1; }
fi
export PATH="$PATH:/usr/sbin:/sbin"
# Debian's postgresql package brings one major version (15 on Debian 12): use the newest installed.
pg_bin=$(find /usr/lib/postgresql -maxdepth 2 -type d -name bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
  echo "check-deploy: no PostgreSQL server binaries under /usr/lib/postgresql" >&2
  exit 1
fi

# ---- bookkeeping ---------------------------------------------------------------------------------
work=$(mktemp -d /tmp/fieldroll-check-deploy.XXXXXX)
chmod 0755 "$work"     # nginx workers and the postgres user must reach their folders inside
# Processes a check starts are recorded in $work/*.pid, PostgreSQL clusters in $work/pg_clusters,
# so that they are stopped even when a check fails half-way.
cleanup() {
  local pid pg_data
  for pid in "$work"/*.pid; do
    if [ -e "$pid" ]; then kill "$(cat "$pid")" 2>/dev/null || true; fi
  done
  if [ -f "$work/pg_clusters" ]; then
    while IFS= read -r pg_data; do
      if [ -f "$pg_data/postmaster.pid" ]; then
        as_postgres "$pg_bin/pg_ctl" -D "$pg_data" -m immediate -w stop >/dev/null 2>&1 || true
      fi
      rm -rf "$(dirname "$pg_data")"
    done <"$work/pg_clusters"
  fi
  rm -rf "$work"
}
trap cleanup EXIT

passed=0 failed=0 skipped=0 n=0
# check NAME FUNCTION ARGS…: runs the function in a subshell with errexit on, prints one line.
# (Started in the background and waited for, because errexit is ignored inside an `if`.)
check() {
  local name=$1 log status
  shift
  n=$((n + 1))
  log="$work/check.$n.log"
  ( set -euo pipefail; "$@" ) >"$log" 2>&1 &
  if wait $!; then status=0; else status=$?; fi
  if [ "$status" -eq 0 ]; then
    printf 'ok    %s\n' "$name"
    [ -z "${CHECK_DEPLOY_VERBOSE:-}" ] || sed -e 's/^/      | /' "$log"
    passed=$((passed + 1))
  elif [ "$status" -eq 77 ]; then
    printf 'skip  %s (%s)\n' "$name" "$(tail -n 1 "$log")"
    skipped=$((skipped + 1))
  else
    printf 'FAIL  %s\n' "$name"
    sed -e 's/^/      | /' "$log" | tail -n 40
    failed=$((failed + 1))
  fi
}
die() { echo "$*" >&2; exit 1; }

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# A TCP port on 127.0.0.1 that nothing listens on, searched from $1 upwards. (Callers that
# need several ports search from bases 100 apart.)
free_port() {
  local p
  for ((p = $1; p < $1 + 100; p++)); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return 0
    fi
  done
  return 1
}

# ---- nginx ---------------------------------------------------------------------------------------
# A prefix with a throwaway certificate at the configured paths and a main nginx.conf that
# includes a copy of the site config, as Debian's nginx.conf includes conf.d/*.conf.
make_nginx_prefix() {
  local conf=$1 dir=$2
  mkdir -p "$dir/tls" "$dir/logs" "$dir/tmp"
  grep -q 'ssl_certificate  *\/etc\/fieldroll\/tls\/fullchain.pem;' "$conf" || die "$conf: certificate is not /etc/fieldroll/tls/fullchain.pem"
  grep -q 'ssl_certificate_key  *\/etc\/fieldroll\/tls\/privkey.pem;' "$conf" || die "$conf: key is not /etc/fieldroll/tls/privkey.pem"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=fieldroll.example.gov.cn \
    -keyout "$dir/tls/privkey.pem" -out "$dir/tls/fullchain.pem" 2>/dev/null
  sed -e "s|/etc/fieldroll/tls/|$dir/tls/|g" -e "s|/var/log/nginx/|$dir/logs/|g" "$conf" >"$dir/site.conf"
  if grep -nE '/etc/fieldroll|/var/log/nginx' "$dir/site.conf"; then die "paths left unsubstituted"; fi
  cat >"$dir/nginx.conf" <<EOF
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 256; }
http {
    access_log $dir/logs/access.log;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    include $dir/site.conf;
}
EOF
}

nginx_syntax() {
  local conf=$1 dir
  dir="$work/nginx-t-$(basename "$conf" .conf)"
  make_nginx_prefix "$conf" "$dir"
  nginx -t -p "$dir/" -c "$dir/nginx.conf"
}

# Two stub server processes: "a" answers 503 to everything, "b" answers 200. Both log each request
# and echo the request id and forwarded-for they received.
write_stub_backend() {
  cat >"$1" <<'EOF'
import http.server, json, sys
name, port, status, log = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
class H(http.server.BaseHTTPRequestHandler):
    def handle_one(self):
        n = int(self.headers.get("Content-Length") or 0)
        while n > 0:
            chunk = self.rfile.read(min(n, 1 << 20))
            if not chunk:
                break
            n -= len(chunk)
        with open(log, "a") as f:
            f.write("%s %s %s\n" % (name, self.command, self.path))
        body = json.dumps({"backend": name, "path": self.path,
                           "requestID": self.headers.get("X-Request-ID"),
                           "forwardedFor": self.headers.get("X-Forwarded-For")}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
    do_GET = do_POST = do_PUT = do_HEAD = handle_one
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
EOF
}

wait_http() { # URL [curl options]: wait up to 10 s for any HTTP answer
  local url=$1 i
  shift
  for ((i = 0; i < 100; i++)); do
    curl -s -o /dev/null "$@" "$url" && return 0
    sleep 0.1
  done
  die "no answer from $url"
}

nginx_behaviour() {
  local dir="$work/nginx-run" pa pb p80 p443 code i url out
  make_nginx_prefix "$repo/deploy/nginx/fieldroll.conf" "$dir"
  pa=$(free_port 18081); pb=$(free_port 18181); p80=$(free_port 18280); p443=$(free_port 18443)
  sed -i -e "s/127\.0\.0\.1:8081/127.0.0.1:$pa/g" -e "s/127\.0\.0\.1:8082/127.0.0.1:$pb/g" \
         -e "s/listen 80;/listen 127.0.0.1:$p80;/" -e "s/listen 443 ssl;/listen 127.0.0.1:$p443 ssl;/" \
         -e '/listen \[::\]/d' "$dir/site.conf"
  write_stub_backend "$dir/stub.py"
  python3 "$dir/stub.py" a "$pa" 503 "$dir/requests.log" & echo $! >"$work/stub-a.pid"
  python3 "$dir/stub.py" b "$pb" 200 "$dir/requests.log" & echo $! >"$work/stub-b.pid"
  wait_http "http://127.0.0.1:$pa/"
  wait_http "http://127.0.0.1:$pb/"
  nginx -p "$dir/" -c "$dir/nginx.conf"
  cp "$dir/nginx.pid" "$work/nginx-run.pid"
  url="https://127.0.0.1:$p443"
  wait_http "$url/healthz" -k

  # Plain HTTP is redirected to HTTPS.
  out=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$p80/v1/sync/pull")
  [[ $out == "301 https://127.0.0.1/v1/sync/pull" ]] || die "http→https redirect: got '$out'"
  echo "redirect: $out"

  # POST is never passed to the second process: 6 pushes reach the stubs exactly 6 times, and
  # those that landed on "a" come back as its 503.
  : >"$dir/requests.log"
  local posts_503=0
  for ((i = 0; i < 6; i++)); do
    code=$(curl -sk -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
      --data '{"changes":[]}' "$url/v1/sync/push")
    [[ $code == 200 || $code == 503 ]] || die "push answered $code"
    [[ $code == 503 ]] && posts_503=$((posts_503 + 1))
  done
  local arrived
  arrived=$(grep -c ' POST /v1/sync/push$' "$dir/requests.log" || true)
  [[ $arrived == 6 ]] || die "6 pushes arrived $arrived times at the server processes (a POST was retried)"
  [[ $posts_503 -ge 1 ]] || die "no push reached process a: the no-retry rule was not exercised"
  echo "push: 6 sent, 6 arrived, $posts_503 answered 503 by process a and not retried"

  # GET is retried on the other process: every pull succeeds although "a" always fails.
  for ((i = 0; i < 6; i++)); do
    code=$(curl -sk -o /dev/null -w '%{http_code}' "$url/v1/sync/pull?after=x")
    [[ $code == 200 ]] || die "pull answered $code (GET should have been retried on process b)"
  done
  echo "pull: 6 of 6 answered 200"

  # HSTS and the request id.
  out=$(curl -sk -D - -o "$dir/body.json" -H 'X-Request-ID: dev-42.abc' "$url/v1/sync/pull")
  grep -qi '^strict-transport-security: max-age=' <<<"$out" || die "no HSTS header"
  grep -qi '^x-request-id: dev-42.abc' <<<"$out" || die "the device's X-Request-ID was not kept"
  grep -q '"requestID": "dev-42.abc"' "$dir/body.json" || die "X-Request-ID not passed to the server"
  grep -q '"forwardedFor": "127.0.0.1"' "$dir/body.json" || die "X-Forwarded-For not passed to the server"
  out=$(curl -sk -D - -o /dev/null -H 'X-Request-ID: bad id; drop table' "$url/v1/sync/pull")
  grep -qiE '^x-request-id: [0-9a-f]{32}' <<<"$out" || die "a malformed X-Request-ID was not replaced"
  echo "headers: HSTS, X-Request-ID kept or made, X-Forwarded-For passed"

  # /metrics: from 127.0.0.1 yes, from another address no.
  code=$(curl -sk -o /dev/null -w '%{http_code}' "$url/metrics")
  [[ $code == 200 ]] || die "/metrics from 127.0.0.1 answered $code"
  code=$(curl -sk -o /dev/null -w '%{http_code}' --interface 127.0.0.2 "$url/metrics")
  [[ $code == 403 ]] || die "/metrics from 127.0.0.2 answered $code, not 403"
  code=$(curl -sk -o /dev/null -w '%{http_code}' --interface 127.0.0.2 "$url/metrics/8081")
  [[ $code == 403 ]] || die "/metrics/8081 from 127.0.0.2 answered $code, not 403"
  code=$(curl -sk -o /dev/null -w '%{http_code}' --interface 127.0.0.2 "$url/healthz")
  [[ $code == 200 ]] || die "/healthz from 127.0.0.2 answered $code"
  code=$(curl -sk -o /dev/null -w '%{http_code}' "$url/other")
  [[ $code == 404 ]] || die "/other answered $code, not 404"
  for path in /console /console/login /console/review; do
    out=$(curl -sk "$url$path")
    grep -q "\"path\": \"$path\"" <<<"$out" || die "$path did not reach the server processes: $out"
  done
  echo "metrics: 200 from 127.0.0.1, 403 from 127.0.0.2; /console reaches the server; unknown paths 404"

  # Photos up to 25 MiB pass; 27 MiB is refused by nginx.
  head -c $((25 * 1024 * 1024)) /dev/zero >"$dir/25m"
  head -c $((27 * 1024 * 1024)) /dev/zero >"$dir/27m"
  code=$(curl -sk -o /dev/null -w '%{http_code}' -T "$dir/25m" -H 'Upload-Offset: 0' "$url/v1/blobs/abc")
  [[ $code == 200 || $code == 503 ]] || die "a 25 MiB photo answered $code"
  code=$(curl -sk -o /dev/null -w '%{http_code}' -T "$dir/27m" "$url/v1/blobs/abc")
  [[ $code == 413 ]] || die "a 27 MiB photo answered $code, not 413"
  echo "blobs: 25 MiB passed to the server, 27 MiB refused with 413"

  # TLS 1.2 works.
  curl -sk -o /dev/null --tlsv1.2 --tls-max 1.2 "$url/healthz" || die "TLS 1.2 handshake failed"

  nginx -p "$dir/" -c "$dir/nginx.conf" -s quit
  kill "$(cat "$work/stub-a.pid")" "$(cat "$work/stub-b.pid")"
  rm -f "$work/stub-a.pid" "$work/stub-b.pid" "$work/nginx-run.pid"
}

# ---- systemd -------------------------------------------------------------------------------------
units_dir="$work/units"
prepare_units() {
  mkdir -p "$units_dir" "$work/bin"
  printf '#!/bin/sh\nexit 0\n' >"$work/bin/fieldroll-server"
  chmod 0755 "$work/bin/fieldroll-server"
  local f
  for f in "$repo"/deploy/systemd/*.service "$repo"/deploy/systemd/*.timer; do
    sed -e "s|/usr/local/bin/fieldroll-server|$work/bin/fieldroll-server|g" \
        -e "s|/usr/local/lib/fieldroll/fieldroll-backup.sh|$repo/deploy/backup/fieldroll-backup.sh|g" \
        "$f" >"$units_dir/$(basename "$f")"
  done
}

# systemd-analyze verify exits 0 on unknown keys and bad values but prints them; any output fails.
verify_unit() {
  local unit=$1 out
  out=$(cd "$units_dir" && systemd-analyze verify --man=no --generators=no "./$unit" 2>&1) || { echo "$out"; return 1; }
  if [ -n "$out" ]; then echo "$out"; return 1; fi
}

# The hardening the deployment promises; a unit missing any of these fails.
hardening_directives=(
  NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes PrivateDevices=yes
  ProtectKernelTunables=yes ProtectKernelModules=yes ProtectKernelLogs=yes ProtectControlGroups=yes
  "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX" RestrictNamespaces=yes LockPersonality=yes
  MemoryDenyWriteExecute=yes SystemCallFilter=@system-service CapabilityBoundingSet= UMask=0077
  User=fieldroll EnvironmentFile=-/etc/fieldroll/fieldroll.env
)
hardened_unit() { # FILE [UNIT-NAME-TO-ANALYSE]
  local file=$1 unit=${2:-$1} d
  for d in "${hardening_directives[@]}"; do
    grep -qxF "$d" "$repo/deploy/systemd/$file" || die "$file lacks the line '$d'"
  done
  # --threshold is on systemd's internal 0-100 scale: 20 is the 2.0 it prints.
  (cd "$units_dir" && systemd-analyze security --offline=yes --threshold=20 "./$unit" | tail -n 1)
}

server_unit_lines() {
  local f="$repo/deploy/systemd/fieldroll-server.service" t="$repo/deploy/systemd/fieldroll-server@.service" d
  for d in "ExecStart=/usr/local/bin/fieldroll-server serve --data /var/lib/fieldroll --host 127.0.0.1 --port 8080" \
           StateDirectory=fieldroll Restart=on-failure ReadWritePaths=/var/lib/fieldroll; do
    grep -qxF "$d" "$f" || die "fieldroll-server.service lacks '$d'"
  done
  grep -q '^TimeoutStopSec=' "$f" || die "fieldroll-server.service has no TimeoutStopSec="
  grep -qxF "ExecStart=/usr/local/bin/fieldroll-server serve --data /var/lib/fieldroll --host 127.0.0.1 --port %i" "$t" \
    || die "fieldroll-server@.service does not take its port from the instance name"
  grep -qxF "Environment=FIELDROLL_BLOBS=/srv/fieldroll/blobs" "$t" || die "fieldroll-server@.service: no shared blob folder"
  grep -q '^ReadWritePaths=.*/srv/fieldroll/blobs' "$t" || die "fieldroll-server@.service cannot write /srv/fieldroll/blobs"
  local timer="$repo/deploy/systemd/fieldroll-backup.timer" cal
  grep -qxF Persistent=true "$timer" || die "the timer is not Persistent"
  grep -q '^RandomizedDelaySec=' "$timer" || die "the timer has no RandomizedDelaySec"
  cal=$(sed -n 's/^OnCalendar=//p' "$timer")
  systemd-analyze calendar "$cal" | grep -q 'Next elapse' || die "OnCalendar=$cal does not parse"
  echo "timer: OnCalendar=$cal"
}

# ---- shell scripts -------------------------------------------------------------------------------
shell_scripts() {
  local f
  for f in "$repo"/deploy/*/*.sh "$repo"/scripts/check-deploy.sh; do
    bash -n "$f" || die "bash -n $f"
    shellcheck -x "$f" || die "shellcheck $f"
    [ -x "$f" ] || die "$f is not executable"
    echo "clean: ${f#"$repo"/}"
  done
}

# ---- files that must agree -----------------------------------------------------------------------
env_example() {
  local f="$repo/deploy/fieldroll.env.example" line v used
  local kv='^FIELDROLL_[A-Z_]+=[^ "'"'"']*$'   # no spaces, no quotes: systemd and the server agree
  while IFS= read -r line; do
    case $line in
      '' | '#'*) ;;
      *) [[ $line =~ $kv ]] || die "not KEY=VALUE: '$line'" ;;
    esac
  done <"$f"
  # Uncommenting any example line must still give KEY=VALUE.
  while IFS= read -r line; do
    [[ ${line#\#} =~ $kv ]] || die "a commented example is not KEY=VALUE: '$line'"
  done < <(grep -E '^#FIELDROLL_' "$f")
  for v in FIELDROLL_DATA FIELDROLL_DATABASE_URL FIELDROLL_BLOBS FIELDROLL_HOST FIELDROLL_PORT FIELDROLL_CONFIG \
           FIELDROLL_MAX_PUSH_BYTES FIELDROLL_MAX_CHANGES FIELDROLL_MAX_BLOB_BYTES FIELDROLL_MAX_CLOCK_DRIFT \
           FIELDROLL_DRAIN_SECONDS FIELDROLL_BACKUP_KEEP_DAYS FIELDROLL_BACKUP_DIR; do
    grep -qE "^#?$v=" "$f" || die "$v is not in fieldroll.env.example"
  done
  # Every FIELDROLL_* the units and scripts read is documented there.
  used=$(grep -ohE '\bFIELDROLL_[A-Z_]+' "$repo"/deploy/systemd/* "$repo"/deploy/backup/*.sh | sort -u)
  for v in $used; do
    grep -qE "^#?$v=" "$f" || die "$v is used by deploy/ but not in fieldroll.env.example"
  done
  echo "documented: $(grep -cE '^#?FIELDROLL_[A-Z_]+=' "$f") variables"
}

container_files() {
  local d="$repo/deploy/container"
  /usr/bin/python3 - "$d/compose.yaml" "$d" <<'EOF'
import os, sys, yaml
path, base = sys.argv[1], sys.argv[2]
doc = yaml.safe_load(open(path))
svc = doc["services"]
for name in ["postgres", "db-setup", "init", "fieldroll-1", "fieldroll-2", "nginx"]:
    assert name in svc, "service %s missing" % name
assert svc["postgres"]["image"].startswith("postgres:15"), "postgres is not 15"
for name, s in svc.items():
    for dep in (s.get("depends_on") or {}):
        assert dep in svc, "%s depends on unknown %s" % (name, dep)
    for v in s.get("volumes") or []:
        src = v.split(":")[0]
        if src.startswith("."):
            if src != "./tls" and src != "./backups":
                assert os.path.exists(os.path.join(base, src)), "%s mounts missing %s" % (name, src)
        else:
            assert src in (doc.get("volumes") or {}), "%s uses undeclared volume %s" % (name, src)
    b = s.get("build")
    if b:
        df = os.path.join(base, b["context"], b["dockerfile"])
        assert os.path.exists(df), "no Dockerfile at %s" % df
for p in ["fieldroll-1", "fieldroll-2"]:
    assert "blobs:/srv/fieldroll/blobs" in svc[p]["volumes"], "%s does not share the blob volume" % p
    assert svc[p]["environment"]["FIELDROLL_DATABASE_URL"].startswith("postgres://")
    assert svc[p]["depends_on"]["init"]["condition"] == "service_completed_successfully"
assert "init" in " ".join(svc["init"]["command"]), "the init service does not run init"
print("compose.yaml: %d services, dependencies and mounts consistent" % len(svc))
EOF
  local df="$d/Dockerfile" src
  # Every COPY source (not --from=build) exists in the repository; the context is its root.
  while IFS= read -r src; do
    [ "$src" = 'Package.resolved*' ] && continue
    [ -e "$repo/$src" ] || die "Dockerfile copies $src, which is not in the repository"
  done < <(awk '$1 == "COPY" && $2 !~ /^--/ { for (i = 2; i < NF; i++) print $i }' "$df")
  # shellcheck disable=SC2016 # the Dockerfile's own ${SWIFT_VERSION}, not ours
  for d in 'FROM swift:${SWIFT_VERSION}-bookworm AS build' 'FROM debian:bookworm-slim' 'USER fieldroll' \
           'VOLUME /var/lib/fieldroll' 'HEALTHCHECK ' '/readyz' 'ENTRYPOINT ["/usr/local/bin/fieldroll-server"]' \
           'CMD ["serve", "--data", "/var/lib/fieldroll", "--host", "0.0.0.0"]' libcurl4 libsqlite3-0 tzdata; do
    grep -qF -- "$d" "$df" || die "Dockerfile lacks $d"
  done
  echo "Dockerfile: stages, user, volume, health check and copies consistent"
}

# ---- PostgreSQL ----------------------------------------------------------------------------------
# start_cluster BASE-PORT: a throwaway PostgreSQL cluster on 127.0.0.1 (superuser postgres,
# trust on its private socket, scram-sha-256 over TCP). Sets pg_base, pg_data, port and the
# PGHOST/PGPORT/PGUSER a superuser connects with.
start_cluster() {
  pg_base=$(mktemp -d /tmp/fieldroll-pg.XXXXXX)
  chmod 0755 "$pg_base"
  pg_data="$pg_base/data"
  echo "$pg_data" >>"$work/pg_clusters"
  mkdir -p "$pg_base/sock"
  [ "$(id -u)" -ne 0 ] || chown -R postgres:postgres "$pg_base"
  port=$(free_port "$1")
  as_postgres "$pg_bin/initdb" -D "$pg_data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    -E UTF8 --no-locale >"$pg_base/initdb.log"
  as_postgres "$pg_bin/pg_ctl" -D "$pg_data" -l "$pg_base/server.log" -w -t 60 \
    -o "-c port=$port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$pg_base/sock" start >/dev/null
  echo "cluster: PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
  export PGHOST=$pg_base/sock PGPORT=$port PGUSER=postgres
  unset PGPASSWORD PGDATABASE FIELDROLL_DB_PASSWORD
}

stop_cluster() {
  as_postgres "$pg_bin/pg_ctl" -D "$pg_data" -m fast -w stop >/dev/null
  rm -rf "$pg_base"
}

postgres_setup() {
  local pg_base pg_data port out url out2 url2 pw3 url3
  start_cluster 25432

  # First run: a new role with a generated password; stdout is the URL line only.
  out=$("$repo/deploy/postgres/setup.sh")
  [[ $(wc -l <<<"$out") == 1 && $out == FIELDROLL_DATABASE_URL=postgres://fieldroll:*@127.0.0.1:$port/fieldroll ]] \
    || die "first run printed '$out'"
  url=${out#FIELDROLL_DATABASE_URL=}
  [[ $(env -u PGHOST -u PGPORT -u PGUSER psql -X -w "$url" -tAc 'SELECT current_user || current_database()') == fieldrollfieldroll ]] \
    || die "the role cannot log in to its database with the printed URL"
  echo "first run: role and database made; the printed URL logs in"

  # Second run: succeeds, keeps the password (the first URL still works).
  out2=$("$repo/deploy/postgres/setup.sh")
  url2=${out2#FIELDROLL_DATABASE_URL=}
  [[ $url2 == "postgres://fieldroll:PASSWORD@127.0.0.1:$port/fieldroll" ]] || die "second run printed '$out2'"
  env -u PGHOST -u PGPORT -u PGUSER psql -X -w "$url" -tAc 'SELECT 1' >/dev/null || die "second run changed the password"
  echo "second run: succeeded, password unchanged"

  # Third run with a password full of URL and quoting hazards: the printed URL must log in.
  pw3="p@ss:w/rd'x\\y %\"中"
  out=$(FIELDROLL_DB_PASSWORD=$pw3 "$repo/deploy/postgres/setup.sh")
  url3=${out#FIELDROLL_DATABASE_URL=}
  env -u PGHOST -u PGPORT -u PGUSER psql -X -w "$url3" -tAc 'SELECT 1' >/dev/null || die "the URL for a special password does not log in: $url3"
  if env -u PGHOST -u PGPORT -u PGUSER PGCONNECT_TIMEOUT=5 psql -X -w "$url" -tAc 'SELECT 1' >/dev/null 2>&1; then
    die "the old password still works after setting a new one"
  fi
  echo "third run: password changed to one with ' \\ @ : / % and CJK; its URL logs in"

  # What the role is and may do.
  local q
  q=$(psql -X -d postgres -tA <<'SQL'
SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolcanlogin FROM pg_roles WHERE rolname = 'fieldroll';
SELECT array_to_string(setconfig, ',') FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole WHERE r.rolname = 'fieldroll' AND s.setdatabase = 0;
SELECT pg_get_userbyid(datdba) || ' ' || datcollate FROM pg_database WHERE datname = 'fieldroll';
SQL
)
  echo "$q"
  grep -qx 'f|f|f|f|t' <<<"$q" || die "the role has more than LOGIN"
  grep -q 'synchronous_commit=on' <<<"$q" || die "synchronous_commit not set for the role"
  grep -q 'idle_in_transaction_session_timeout=60s' <<<"$q" || die "idle_in_transaction_session_timeout not set"
  grep -q 'statement_timeout=60s' <<<"$q" || die "statement_timeout not set"
  grep -qx 'fieldroll C' <<<"$q" || die "the database is not owned by fieldroll with collation C"

  # PUBLIC may not connect: another login role is refused.
  psql -X -d postgres -qc "CREATE ROLE outsider LOGIN PASSWORD 'outsider'"
  if env -u PGHOST -u PGPORT -u PGUSER psql -X -w "postgres://outsider:outsider@127.0.0.1:$port/fieldroll" -tAc 'SELECT 1' >"$pg_base/outsider.log" 2>&1; then
    die "a role without grants could connect to the fieldroll database"
  fi
  grep -q 'permission denied' "$pg_base/outsider.log" || { cat "$pg_base/outsider.log"; die "outsider refused for the wrong reason"; }
  echo "PUBLIC: another role is refused ($(grep -o 'permission denied for database "[^"]*"' "$pg_base/outsider.log" | head -n 1))"

  # The role can create its schema (what `fieldroll-server init` will do).
  env -u PGHOST -u PGPORT -u PGUSER psql -X -w "$url3" -qc 'CREATE TABLE probe (id int); DROP TABLE probe' \
    || die "the role cannot create tables in its database"
  echo "schema: the role creates tables in public"

  stop_cluster
}

# ---- backup script -------------------------------------------------------------------------------
backup_retention() {
  local dir="$work/backup" root bin script="$repo/deploy/backup/fieldroll-backup.sh" d now_s
  root="$dir/backups"
  bin="$dir/bin"
  mkdir -p "$root" "$bin"
  cat >"$bin/fieldroll-server" <<'EOF'
#!/bin/sh
# Stub: `fieldroll-server backup --out DIR` makes DIR with a manifest, or fails on request.
[ "$1" = backup ] && [ "$2" = --out ] && [ -n "$3" ] || { echo "stub: unexpected arguments: $*" >&2; exit 2; }
[ "${STUB_FAIL:-}" = yes ] && { echo "stub: backup failed" >&2; exit 1; }
mkdir -p "$3/blobs"
[ "${STUB_NO_MANIFEST:-}" = yes ] || echo '{"stub":true}' >"$3/manifest.json"
EOF
  chmod 0755 "$bin/fieldroll-server"
  now_s=$(date -u +%s)
  ago() { date -u -d "@$((now_s - $1 * 86400))" +%Y%m%dT%H%M%SZ; }
  for d in 30 20 15 13 1; do mkdir -p "$root/$(ago "$d")"; done
  mkdir -p "$root/notes" "$root/$(ago 40).partial"
  touch "$root/README"

  # A failing server: non-zero exit, nothing deleted, no half backup left.
  if STUB_FAIL=yes PATH="$bin:$PATH" FIELDROLL_BACKUP_DIR=$root "$script" >"$dir/fail.log" 2>&1; then
    die "the script succeeded although the server's backup failed"
  fi
  [ -d "$root/$(ago 30)" ] || die "a failed backup deleted old backups"
  if compgen -G "$root/*.partial" >/dev/null; then die "a failed run left a .partial folder"; fi
  echo "server fails: exit non-zero, nothing deleted"

  # A backup without manifest.json is not a backup.
  if STUB_NO_MANIFEST=yes PATH="$bin:$PATH" FIELDROLL_BACKUP_DIR=$root "$script" >"$dir/nomanifest.log" 2>&1; then
    die "the script accepted a backup without manifest.json"
  fi
  [ -d "$root/$(ago 30)" ] || die "a backup without manifest deleted old backups"
  echo "no manifest: exit non-zero, nothing deleted"

  # Bad retention setting: refused before anything happens.
  if FIELDROLL_BACKUP_KEEP_DAYS=two PATH="$bin:$PATH" FIELDROLL_BACKUP_DIR=$root "$script" >"$dir/bad.log" 2>&1; then
    die "FIELDROLL_BACKUP_KEEP_DAYS=two was accepted"
  fi

  # A good run with the default 14 days.
  PATH="$bin:$PATH" FIELDROLL_BACKUP_DIR=$root "$script" >"$dir/ok.log" 2>&1 || { cat "$dir/ok.log"; die "the backup failed"; }
  cat "$dir/ok.log"
  for d in 30 20 15; do [ ! -e "$root/$(ago "$d")" ] || die "the $d-day-old backup was kept"; done
  for d in 13 1; do [ -d "$root/$(ago "$d")" ] || die "the $d-day-old backup was deleted"; done
  { [ -d "$root/notes" ] && [ -f "$root/README" ]; } || die "something that is not a backup was deleted"
  if compgen -G "$root/*.partial" >/dev/null; then die "a stale .partial folder was left"; fi
  local newest
  newest=$(find "$root" -mindepth 1 -maxdepth 1 -type d -name '????????T??????Z' -printf '%f\n' | sort | tail -n 1)
  [ -s "$root/$newest/manifest.json" ] || die "the new backup $newest has no manifest"
  [[ $newest > $(ago 1) ]] || die "the newest backup is not the one just made"
  [ "$(stat -c %a "$root/$newest")" = 700 ] || die "the new backup is not private (mode $(stat -c %a "$root/$newest"))"
  echo "14 days: 30/20/15-day-old deleted, 13/1-day-old kept, other files untouched, new backup private"

  # Keep 0 days: every older backup goes, the newest one stays.
  sleep 1
  FIELDROLL_BACKUP_KEEP_DAYS=0 PATH="$bin:$PATH" FIELDROLL_BACKUP_DIR=$root "$script" >"$dir/zero.log" 2>&1 || { cat "$dir/zero.log"; die "keep=0 failed"; }
  local left
  left=$(find "$root" -mindepth 1 -maxdepth 1 -type d -name '????????T??????Z' | wc -l)
  [ "$left" = 1 ] || die "keep=0 left $left backups, not 1 (the newest)"
  echo "0 days: only the newest backup is left"
}

# ---- the built server ----------------------------------------------------------------------------
# The built fieldroll-server, if any: $FIELDROLL_SERVER_BIN, else the release build, else the
# debug build. Prints nothing when there is none.
find_server_bin() {
  local candidate
  for candidate in "${FIELDROLL_SERVER_BIN:-}" "$repo/.build/release/fieldroll-server" "$repo/.build/debug/fieldroll-server"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then echo "$candidate"; return 0; fi
  done
}

# serve_until_ready LOG ARGS…: starts ARGS in the background, waits for /readyz 200 on the port
# in $port; records the pid in $work/server.pid and in $server_pid.
serve_until_ready() {
  local log=$1 i code=000
  shift
  "$@" >"$log" 2>&1 &
  server_pid=$!
  echo "$server_pid" >"$work/server.pid"
  for ((i = 0; i < 300; i++)); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz" || true)
    [ "$code" = 200 ] && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  cat "$log"
  die "/readyz answered $code"
}

stop_server() {
  local status
  kill -TERM "$server_pid"
  if wait "$server_pid"; then status=0; else status=$?; fi
  rm -f "$work/server.pid"
  [ "$status" = 0 ] || die "the server exited $status after SIGTERM"
}

# The deployment's own procedure against the real server: the example environment file (every
# line uncommented) is accepted, init and migrate work from it, the backup script backs up a
# running server, and restore brings that backup back.
server_round_trip() {
  local dir="$work/server" bin port out
  bin=$(find_server_bin)
  [ -n "$bin" ] || { echo "no built fieldroll-server: run swift build first"; exit 77; }
  mkdir -p "$dir/bin"
  cp "$bin" "$dir/bin/fieldroll-server"
  bin="$dir/bin/fieldroll-server"
  # SQLite in a temporary folder; the PostgreSQL URL and shared blob folder are the city's.
  sed -e 's/^#\(FIELDROLL_[A-Z_]*=\)/\1/' -e '/^FIELDROLL_DATABASE_URL=/d' -e '/^FIELDROLL_BLOBS=/d' \
      -e '/^FIELDROLL_CONFIG=/d' -e "s|^FIELDROLL_DATA=.*|FIELDROLL_DATA=$dir/data|" \
      -e "s|^FIELDROLL_BACKUP_DIR=.*|FIELDROLL_BACKUP_DIR=$dir/backups|" \
      "$repo/deploy/fieldroll.env.example" >"$dir/fieldroll.env"
  echo "settings: $(grep -c '^FIELDROLL_' "$dir/fieldroll.env") from fieldroll.env.example, all uncommented"
  export FIELDROLL_CONFIG="$dir/fieldroll.env"
  unset FIELDROLL_DATA FIELDROLL_DATABASE_URL FIELDROLL_BLOBS FIELDROLL_BACKUP_DIR FIELDROLL_BACKUP_KEEP_DAYS

  "$bin" init
  "$bin" migrate
  port=$(free_port 28180)
  serve_until_ready "$dir/serve.log" "$bin" serve --port "$port"

  # The nightly backup, while the server runs, taking its folder from the config file.
  PATH="$dir/bin:$PATH" "$repo/deploy/backup/fieldroll-backup.sh"
  out=$(find "$dir/backups" -mindepth 1 -maxdepth 1 -type d -name '????????T??????Z')
  { [ -n "$out" ] && [ -s "$out/manifest.json" ]; } || die "no backup with a manifest in $dir/backups"
  echo "backup of the running server: $(basename "$out") ($(tr -d ' \n' <"$out/manifest.json" | grep -o '"backend":"[a-z]*"'))"
  stop_server

  # Restore (server stopped), then it serves again.
  "$bin" restore --from "$out"
  serve_until_ready "$dir/serve2.log" "$bin" serve --port "$port"
  stop_server
  "$bin" audit verify
  echo "restore: server serves again and its audit chain verifies"
}

# The city's layout against the real server: setup.sh's role and database, init, two processes
# sharing one photo folder, the backup script (pg_dump) while both serve, restore with both stopped.
city_round_trip() {
  local dir="$work/city" bin pg_base pg_data port p1 p2 url out server_pid pid1
  bin=$(find_server_bin)
  [ -n "$bin" ] || { echo "no built fieldroll-server: run swift build first"; exit 77; }
  command -v pg_dump >/dev/null || die "pg_dump is missing"
  mkdir -p "$dir/bin" "$dir/blobs"
  cp "$bin" "$dir/bin/fieldroll-server"
  bin="$dir/bin/fieldroll-server"
  start_cluster 25532
  url=$("$repo/deploy/postgres/setup.sh" 2>/dev/null)
  url=${url#FIELDROLL_DATABASE_URL=}
  unset FIELDROLL_CONFIG FIELDROLL_DATA
  export FIELDROLL_DATABASE_URL=$url FIELDROLL_BLOBS="$dir/blobs"
  export FIELDROLL_BACKUP_DIR="$dir/backups"
  if ! out=$(cd "$dir" && "$bin" init --data "$dir/data" 2>&1); then
    echo "$out"
    # A build from before PostgreSQL storage landed says so; anything else is a failure.
    if grep -q 'PostgreSQL is not built' <<<"$out"; then
      stop_cluster
      echo "this fieldroll-server has no PostgreSQL storage yet"
      exit 77
    fi
    die "init on PostgreSQL failed"
  fi
  echo "$out"

  p1=$(free_port 28280); p2=$(free_port 28380)
  port=$p1
  serve_until_ready "$dir/serve1.log" "$bin" serve --data "$dir/data" --port "$p1"
  pid1=$server_pid
  mv "$work/server.pid" "$work/server1.pid"
  port=$p2
  serve_until_ready "$dir/serve2.log" "$bin" serve --data "$dir/data" --port "$p2"
  echo "two processes ready on $p1 and $p2 (PostgreSQL, photos in one folder)"

  FIELDROLL_DATA="$dir/data" PATH="$dir/bin:$PATH" "$repo/deploy/backup/fieldroll-backup.sh"
  out=$(find "$dir/backups" -mindepth 1 -maxdepth 1 -type d -name '????????T??????Z')
  { [ -n "$out" ] && [ -s "$out/manifest.json" ]; } || die "no backup with a manifest"
  echo "backup while serving: $(basename "$out"): $(find "$out" -mindepth 1 -maxdepth 1 -printf '%f ')"

  stop_server
  server_pid=$pid1
  stop_server
  rm -f "$work/server1.pid"
  "$bin" restore --data "$dir/data" --from "$out"
  port=$p1
  serve_until_ready "$dir/serve3.log" "$bin" serve --data "$dir/data" --port "$p1"
  stop_server
  echo "restore with both stopped: serves again"
  stop_cluster
}

# ---- MemoryDenyWriteExecute ----------------------------------------------------------------------
# The kernel's PR_SET_MDWE refuses W+X mappings and making memory executable, like systemd's
# MemoryDenyWriteExecute=; strace also catches mprotect(PROT_EXEC), which systemd 252's seccomp
# version refuses too.
write_mdwe_wrapper() {
  cat >"$1" <<'EOF'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(65, 1, 0, 0, 0) != 0:   # PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN
    print("kernel without PR_SET_MDWE (Linux < 6.3)")
    sys.exit(77)
os.execv(sys.argv[1], sys.argv[1:])
EOF
}

check_trace() {
  if grep -E 'mprotect\([^)]*PROT_EXEC|PROT_WRITE\|PROT_EXEC|PROT_EXEC\|PROT_WRITE|SHM_EXEC' "$1"; then
    die "writable+executable memory or mprotect(PROT_EXEC) seen"
  fi
  if grep -E 'SIGSEGV|SIGSYS|= -1 EACCES' "$1"; then
    die "a memory call was refused under MDWE"
  fi
}

mdwe() {
  local dir="$work/mdwe" bin port code status spid child i
  mkdir -p "$dir"
  write_mdwe_wrapper "$dir/mdwe.py"
  bin=$(find_server_bin)
  if [ -z "$bin" ]; then
    # No built server: check that a Swift program using the same runtime pieces (concurrency,
    # Foundation, Dispatch, Regex) runs under MDWE.
    command -v swiftc >/dev/null || { echo "no built fieldroll-server and no swiftc"; exit 77; }
    cat >"$dir/probe.swift" <<'EOF'
import Dispatch
import Foundation
actor Counter { var n = 0; func add(_ k: Int) { n += k } }
struct Box<T: Codable & Sendable>: Codable, Sendable { var value: T }
@main struct Probe {
    static func main() async throws {
        let c = Counter()
        await withTaskGroup(of: Void.self) { g in for i in 0..<64 { g.addTask { await c.add(i) } } }
        let data = try JSONEncoder().encode(Box(value: ["x": [1, 2]]))
        _ = try JSONDecoder().decode(Box<[String: [Int]]>.self, from: data)
        _ = "caseworker-42".firstMatch(of: try Regex("[a-z]+-[0-9]+"))
        DispatchQueue.concurrentPerform(iterations: 8) { _ in _ = (0..<1000).reduce(0, +) }
        print("probe ok", await c.n)
    }
}
EOF
    swiftc -O -parse-as-library "$dir/probe.swift" -o "$dir/probe" >"$dir/swiftc.log" 2>&1 || { cat "$dir/swiftc.log"; die "probe did not compile"; }
    readelf -lW "$dir/probe" | grep GNU_STACK | grep -q 'RWE' && die "the probe has an executable stack"
    python3 "$dir/mdwe.py" "$(command -v strace)" -f -qq -e trace=mmap,mprotect,pkey_mprotect,shmat -o "$dir/trace" "$dir/probe"
    check_trace "$dir/trace"
    echo "no built fieldroll-server: a Swift probe (concurrency, Foundation, Dispatch, Regex) ran under MDWE"
    return 0
  fi

  # The real server: init, serve, ready, SIGTERM — all under MDWE and strace.
  cp "$bin" "$dir/fieldroll-server"
  bin="$dir/fieldroll-server"
  readelf -lW "$bin" | grep GNU_STACK | grep -q 'RWE' && die "fieldroll-server has an executable stack"
  python3 "$dir/mdwe.py" "$bin" init --data "$dir/data" || die "init failed under MDWE"
  port=$(free_port 28080)
  python3 "$dir/mdwe.py" "$(command -v strace)" -f -qq -e trace=mmap,mprotect,pkey_mprotect,shmat -o "$dir/trace" \
    "$bin" serve --data "$dir/data" --host 127.0.0.1 --port "$port" >"$dir/serve.log" 2>&1 &
  spid=$!
  echo "$spid" >"$work/mdwe-strace.pid"
  code=000
  for ((i = 0; i < 300; i++)); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz" || true)
    [ "$code" = 200 ] && break
    kill -0 "$spid" 2>/dev/null || break
    sleep 0.1
  done
  [ "$code" = 200 ] || { cat "$dir/serve.log"; die "/readyz answered $code under MDWE"; }
  curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" || die "/healthz failed under MDWE"
  curl -sf "http://127.0.0.1:$port/metrics" | head -n 3
  child=$(pgrep -P "$spid" | head -n 1)
  kill -TERM "$child"
  if wait "$spid"; then status=0; else status=$?; fi
  rm -f "$work/mdwe-strace.pid"
  [ "$status" = 0 ] || { cat "$dir/serve.log"; die "the server exited $status after SIGTERM"; }
  check_trace "$dir/trace"
  echo "$bin: init, serve, /readyz 200 and SIGTERM exit 0 under MDWE; no W+X memory"
}

# ---- run -----------------------------------------------------------------------------------------
for conf in "$repo"/deploy/nginx/*.conf; do
  check "nginx -t deploy/nginx/$(basename "$conf")" nginx_syntax "$conf"
done
check "nginx: fieldroll.conf served (redirect, HSTS, metrics allow list, console, no POST retry, 26m limit)" nginx_behaviour

prepare_units
for f in "$units_dir"/*.service "$units_dir"/*.timer; do
  unit=$(basename "$f")
  [ "$unit" = "fieldroll-server@.service" ] && unit="fieldroll-server@8081.service"
  check "systemd-analyze verify $unit" verify_unit "$unit"
done
check "hardening + exposure <= 2.0: fieldroll-server.service" hardened_unit fieldroll-server.service
check "hardening + exposure <= 2.0: fieldroll-server@.service" hardened_unit "fieldroll-server@.service" fieldroll-server@8081.service
check "hardening + exposure <= 2.0: fieldroll-backup.service" hardened_unit fieldroll-backup.service
check "units: command lines, state folder, timer" server_unit_lines

check "bash -n + shellcheck on every shell script" shell_scripts
check "fieldroll.env.example: KEY=VALUE, every variable documented" env_example
check "container: compose.yaml and Dockerfile consistent (not run: no container engine)" container_files

check "postgres/setup.sh twice on a throwaway PostgreSQL" postgres_setup
check "backup script: retention and loud failures" backup_retention
check "real fieldroll-server, county: env example, init, backup script while serving, restore" server_round_trip
check "real fieldroll-server, city: setup.sh, init, 2 processes, backup script (pg_dump), restore" city_round_trip
check "MemoryDenyWriteExecute: Swift binary runs under PR_SET_MDWE" mdwe

summary="deploy checks: $passed passed, $failed failed"
[ "$skipped" -eq 0 ] || summary+=", $skipped skipped"
echo "$summary"
[ "$failed" -eq 0 ]
