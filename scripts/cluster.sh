#!/usr/bin/env bash
# Several servers on one machine: a PostgreSQL primary and its synchronous standby, three
# application servers (gunicorn and a background worker each) and HAProxy in front, all
# under a state folder, on ports of their own (docs/DEPLOYMENT.md, "Several servers on one
# machine"). The machine's own PostgreSQL (5432) and services are never touched.
#
# Usage: scripts/cluster.sh up | down [--purge] | status | kill-app N | start-app N | failover
#        | pause-app N | resume-app N | cut-app N SECONDS
#   up         create what is missing (clusters, database, migrations, demo), start everything
#   down       stop everything (whatever is left running); --purge also removes the state folder
#   status     what runs, the database roles and the replication
#   kill-app N kill -9 application server N: its gunicorn master and workers, its worker
#   start-app N start application server N again
#   failover   stop the primary (immediate) and promote the standby; prints the seconds
#   pause-app N  server N stops answering, as if the network to it were cut: SIGSTOP to its
#              gunicorn and its worker (every process of their groups)
#   resume-app N the network comes back: SIGCONT
#   cut-app N SECONDS  pause-app N, SECONDS later resume-app N (returns then)
#
# Settings (environment): CLUSTER_DIR (var/cluster), CLUSTER_PRIMARY_PORT (55432),
# CLUSTER_STANDBY_PORT (55433), CLUSTER_PORT (the balancer, 58000), CLUSTER_APP_PORT (the
# first server, 58001; then 58002, 58003), CLUSTER_APPS (3), CLUSTER_WORKERS (gunicorn
# workers per server, 2), CLUSTER_DEMO (yes: load the demo), PG_BIN (the newest
# /usr/lib/postgresql/*/bin), PYTHON (.venv/bin/python).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CLUSTER_DIR=${CLUSTER_DIR:-$ROOT/var/cluster}
mkdir -p "$CLUSTER_DIR"
CLUSTER_DIR=$(cd "$CLUSTER_DIR" && pwd)
PRIMARY_PORT=${CLUSTER_PRIMARY_PORT:-55432}
STANDBY_PORT=${CLUSTER_STANDBY_PORT:-55433}
LB_PORT=${CLUSTER_PORT:-58000}
APP_PORT=${CLUSTER_APP_PORT:-58001}
APPS=${CLUSTER_APPS:-3}
WORKERS=${CLUSTER_WORKERS:-2}
DEMO=${CLUSTER_DEMO:-yes}
PG=$CLUSTER_DIR/pg
DATABASE=sathach
# The marker in the environment of every process this cluster starts, found again by `down`.
MARK=SATHACH_CLUSTER_MEMBER
DATABASE_URL="postgres://postgres@127.0.0.1:$PRIMARY_PORT,127.0.0.1:$STANDBY_PORT/$DATABASE?target_session_attrs=read-write"

if [ -z "${PG_BIN:-}" ]; then
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n | tail -n1 || true)
fi
if [ -z "${PYTHON:-}" ]; then
  PYTHON=$ROOT/.venv/bin/python
  [ -x "$PYTHON" ] || PYTHON=$(command -v python3)
fi

say() { echo "cluster: $*" >&2; }
fail() { say "$*"; exit 1; }

require() {
  [ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] ||
    fail "PostgreSQL's server binaries are missing (apt-get install postgresql; or set PG_BIN)"
  command -v haproxy >/dev/null ||
    fail "HAProxy is missing: scripts/system-packages.sh test (or apt-get install haproxy)"
  command -v curl >/dev/null || fail "curl is missing (apt-get install curl)"
}

# PostgreSQL refuses to run as root: as root, its tools run as the postgres user.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
pg() { as_owner "$PG_BIN/$1" "${@:2}"; }
psql_at() { "$PG_BIN/psql" -h 127.0.0.1 -p "$1" -U postgres -d "${3:-postgres}" -Atqc "$2"; }
port_of() { if [ "$1" = primary ]; then echo "$PRIMARY_PORT"; else echo "$STANDBY_PORT"; fi; }
node_running() { pg pg_ctl -D "$PG/$1" status >/dev/null 2>&1; }
# A process runs (a zombie that nothing reaped yet does not).
running() { kill -0 "$1" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
alive() { [ -f "$1" ] && running "$(cat "$1")"; }

# Nothing listens on the port (another cluster, the servers of another checkout).
port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null || fail "port $1 is in use (${2:-})"
}

pg_start() {
  local node=$1
  node_running "$node" && return 0
  port_free "$(port_of "$node")" "PostgreSQL $node; set CLUSTER_PRIMARY_PORT/CLUSTER_STANDBY_PORT"
  # The options stay with the data folder (postmaster.opts): the standby gets no
  # synchronous_standby_names, so that once promoted it does not wait for a standby it lacks.
  pg pg_ctl -D "$PG/$node" -l "$PG/$node.log" -w -t 60 start \
    -o "-p $(port_of "$node") -k $PG -c listen_addresses=127.0.0.1 -c cluster_name=$node" \
    >/dev/null || { tail -n 20 "$PG/$node.log" >&2; fail "PostgreSQL $node did not start"; }
}

create_databases() {
  mkdir -p "$PG"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PG"
  chmod 700 "$PG"
  as_owner test -x "$PG" || fail "the postgres user cannot reach $PG: choose a CLUSTER_DIR it can"
  say "creating the primary (port $PRIMARY_PORT)"
  pg initdb -D "$PG/primary" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  cat >>"$PG/primary/postgresql.conf" <<EOF
# scripts/cluster.sh
wal_level = replica
max_wal_senders = 5
wal_keep_size = 256MB
hot_standby = on
max_connections = 200
EOF
  pg_start primary
  say "copying it to the standby (port $STANDBY_PORT)"
  pg pg_basebackup -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$PG/standby" -R -X stream \
    -c fast -d "application_name=standby"
  # Every commit waits for the standby to have it on disk: an acknowledged answer is on two
  # servers. Set after the copy: this is the primary's setting, not the standby's.
  psql_at "$PRIMARY_PORT" "ALTER SYSTEM SET synchronous_standby_names = 'standby'" >/dev/null
  psql_at "$PRIMARY_PORT" "ALTER SYSTEM SET synchronous_commit = 'on'" >/dev/null
  psql_at "$PRIMARY_PORT" "SELECT pg_reload_conf()" >/dev/null
  echo primary >"$PG/current"
  pg_start standby
  psql_at "$PRIMARY_PORT" "CREATE DATABASE $DATABASE" >/dev/null
}

wait_sync() {
  for _ in $(seq 1 100); do
    [ "$(psql_at "$PRIMARY_PORT" "SELECT sync_state FROM pg_stat_replication \
      WHERE application_name = 'standby'" 2>/dev/null)" = sync ] && return 0
    sleep 0.2
  done
  fail "the standby is not replicating synchronously (see $PG/standby.log)"
}

app_env() {
  # Everything the servers share: the database, the keys, the files (one folder here; on
  # several machines, shared storage).
  if [ ! -f "$CLUSTER_DIR/keys" ]; then
    (umask 077 && {
      echo "SECRET_KEY=$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(50))')"
      echo "SATHACH_PKI_KEY=$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(50))')"
    } >"$CLUSTER_DIR/keys")
  fi
  set -a
  # shellcheck disable=SC1091
  . "$CLUSTER_DIR/keys"
  set +a
  export DJANGO_SETTINGS_MODULE=sathach.settings DATABASE_URL PYTHONPATH=$ROOT
  export SATHACH_VAR_DIR=$CLUSTER_DIR/var MEDIA_ROOT=$CLUSTER_DIR/var/media
  export DEBUG=false HTTPS=false ALLOWED_HOSTS=127.0.0.1,localhost LOG_LEVEL=WARNING
  export PYTHONUNBUFFERED=1
}

# Start a command in a session (and process group) of its own, in the background, marked,
# its pid in NAME.pid (the group's id) and its output in NAME.log.
launch() {
  local name=$1
  shift
  # Nothing of it keeps this script's output open: a caller that reads it until the end
  # (a pipe, a test) returns once `up` is done.
  (cd "$ROOT" && exec env "$MARK=$CLUSTER_DIR" setsid bash -c 'echo $$ >"$0.pid"; exec "$@"' \
    "$name" "$@") </dev/null >>"$name.log" 2>&1 &
  for _ in $(seq 1 50); do [ -s "$name.pid" ] && return 0; sleep 0.1; done
  fail "$* did not start"
}

sathach() { (cd "$ROOT" && "$PYTHON" -c 'from sathach.cli import main; main()' "$@"); }

start_app() {
  local n=$1 dir=$CLUSTER_DIR/app$1 port=$((APP_PORT + $1 - 1))
  mkdir -p "$dir"
  if ! alive "$dir/gunicorn.pid"; then
    port_free "$port" "server $n; set CLUSTER_APP_PORT"
    launch "$dir/gunicorn" "$PYTHON" -m gunicorn -c python:sathach.gunicorn_config \
      --bind "127.0.0.1:$port" --workers "$WORKERS"
  fi
  if ! alive "$dir/worker.pid"; then
    launch "$dir/worker" "$PYTHON" -c 'from sathach.cli import main; main()' \
      worker --no-reload --interval 2
  fi
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/healthz" 2>/dev/null && {
      say "server $n on 127.0.0.1:$port"
      return 0
    }
    alive "$dir/gunicorn.pid" || break
    sleep 0.2
  done
  tail -n 30 "$dir/gunicorn.log" >&2
  fail "server $n did not answer /healthz"
}

# As many connections as the open-file limit allows (two descriptors each), at most 20,000.
max_connections() {
  local hard
  hard=$(ulimit -Hn)
  [ "$hard" = unlimited ] && hard=40400
  echo $(((hard - 400) / 2 < 20000 ? (hard - 400) / 2 : 20000))
}

write_haproxy() {
  {
    cat <<EOF
# scripts/cluster.sh: round robin over the servers; a server whose /healthz fails twice in a
# row (the process or its database gone) leaves the rotation within about 2 s, and a
# request whose connection is refused is sent to another server at once.
global
    maxconn $(max_connections)
    log stderr format iso local0 info
defaults
    mode http
    log global
    option httplog
    option dontlog-normal
    timeout connect 2s
    timeout client 130s
    timeout server 130s
    timeout check 2s
    retries 3
    option redispatch 1
    # A request is sent to another server when its connection was refused, or when the
    # server closed it without an answer (killed mid-request): pages and the autosave,
    # which is idempotent (a save applies only over an older sequence number). Any other
    # write (a submission, an upload, a signature) is never sent twice: a server may have
    # carried it out before dying, and the user sees the error and decides.
    retry-on conn-failure empty-response
frontend sathach
    bind 127.0.0.1:$LB_PORT
    acl autosave path_reg ^/thi/[0-9]+/luu/$
    http-request disable-l7-retry if !METH_GET !METH_HEAD !autosave
    use_backend autosave if autosave
    default_backend servers
backend servers
    balance roundrobin
    option httpchk GET /healthz
    http-check expect status 200
    http-response set-header X-Sathach-Server %s
    default-server inter 1s fastinter 500ms downinter 1s fall 2 rise 2
EOF
    for n in $(seq 1 "$APPS"); do
      echo "    server app$n 127.0.0.1:$((APP_PORT + n - 1)) check"
    done
    cat <<EOF
# The autosave, answered within milliseconds (its p99 under 100 ms on the exam day): a save
# a server holds for 5 s without answering (the server cut off, or frozen) is sent to
# another server, which stores it (a save applies only over an older sequence number, so
# the first server's late copy changes nothing). The servers' state follows the checks of
# the backend above.
backend autosave
    balance roundrobin
    timeout server 5s
    retry-on conn-failure empty-response response-timeout
    http-response set-header X-Sathach-Server %s
EOF
    for n in $(seq 1 "$APPS"); do
      echo "    server app$n 127.0.0.1:$((APP_PORT + n - 1)) track servers/app$n"
    done
  } >"$CLUSTER_DIR/haproxy.cfg"
}

start_haproxy() {
  alive "$CLUSTER_DIR/haproxy.pid" && return 0
  port_free "$LB_PORT" "the balancer; set CLUSTER_PORT"
  write_haproxy
  haproxy -c -q -f "$CLUSTER_DIR/haproxy.cfg" || fail "HAProxy refused $CLUSTER_DIR/haproxy.cfg"
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  launch "$CLUSTER_DIR/haproxy" haproxy -db -f "$CLUSTER_DIR/haproxy.cfg"
  for _ in $(seq 1 50); do
    alive "$CLUSTER_DIR/haproxy.pid" || break
    curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$LB_PORT/healthz" 2>/dev/null && {
      say "balancer on http://127.0.0.1:$LB_PORT"
      return 0
    }
    sleep 0.2
  done
  fail "HAProxy did not answer on 127.0.0.1:$LB_PORT (see $CLUSTER_DIR/haproxy.log)"
}

up() {
  require
  # A failed start leaves nothing running.
  trap 'rc=$?; [ $rc -eq 0 ] || { say "up failed: stopping what started"; down; }' EXIT
  if [ ! -d "$PG/primary" ]; then
    create_databases
    fresh=yes
  else
    fresh=no
    current=$(cat "$PG/current" 2>/dev/null || echo primary)
    pg_start "$current"
    other=standby
    [ "$current" = standby ] && other=primary
    if [ -f "$PG/$other/standby.signal" ]; then
      pg_start "$other"
    else
      say "no standby: $other was the primary before a failover (down --purge, then up)"
    fi
  fi
  [ "$(cat "$PG/current")" = primary ] && [ -f "$PG/standby/standby.signal" ] && wait_sync
  app_env
  say "migrating"
  sathach migrate --noinput -v0
  if [ "$fresh" = yes ] && [ "$DEMO" = yes ]; then
    say "loading the demo"
    sathach load_demo >"$CLUSTER_DIR/demo.txt"
  fi
  for n in $(seq 1 "$APPS"); do start_app "$n"; done
  start_haproxy
  trap - EXIT
  echo "DATABASE_URL=$DATABASE_URL"
  echo "URL=http://127.0.0.1:$LB_PORT"
}

# Stop a process group: TERM, then KILL after a few seconds.
stop_group() {
  local file=$1 pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  if running "$pid"; then
    kill -CONT -- "-$pid" 2>/dev/null || true # a paused server (pause-app) hears the TERM
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do running "$pid" || break; sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

# Whatever this cluster started and is still running: a process with the marker in its
# environment, or PostgreSQL serving a data folder under the state folder.
stray() {
  local proc pid
  for proc in /proc/[0-9]*; do
    pid=${proc#/proc/}
    [ "$pid" = $$ ] && continue
    if { tr '\0' '\n' <"$proc/environ" | grep -qxF "$MARK=$CLUSTER_DIR"; } 2>/dev/null ||
      { [ "$(basename "$(readlink "$proc/exe")")" = postgres ] &&
        tr '\0' ' ' <"$proc/cmdline" | grep -qF "$PG/"; } 2>/dev/null; then
      echo "$pid"
    fi
  done
}

down() {
  stop_group "$CLUSTER_DIR/haproxy.pid"
  for dir in "$CLUSTER_DIR"/app*; do
    [ -d "$dir" ] || continue
    stop_group "$dir/gunicorn.pid"
    stop_group "$dir/worker.pid"
  done
  for node in primary standby; do
    [ -d "$PG/$node" ] && node_running "$node" &&
      { pg pg_ctl -D "$PG/$node" -w -t 20 stop -m fast >/dev/null 2>&1 ||
        pg pg_ctl -D "$PG/$node" -w stop -m immediate >/dev/null 2>&1 || true; }
  done
  local pids
  pids=$(stray)
  if [ -n "$pids" ]; then
    say "killing what was left: $(echo "$pids" | tr '\n' ' ')"
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
  fi
  say "stopped"
}

status() {
  local node port role n dir
  for node in primary standby; do
    port=$(port_of "$node")
    if [ -d "$PG/$node" ] && node_running "$node"; then
      role=$(psql_at "$port" "SELECT CASE WHEN pg_is_in_recovery() THEN 'standby' \
        ELSE 'primary' END" 2>/dev/null || echo "not answering")
      echo "postgres $node  127.0.0.1:$port  running, $role"
    else
      echo "postgres $node  127.0.0.1:$port  stopped"
    fi
  done
  port=$(port_of "$(cat "$PG/current" 2>/dev/null || echo primary)")
  psql_at "$port" "SELECT 'replication ' || application_name || ' ' || state || ' ' || \
    sync_state FROM pg_stat_replication" 2>/dev/null || true
  for dir in "$CLUSTER_DIR"/app*; do
    [ -d "$dir" ] || continue
    n=${dir##*app}
    port=$((APP_PORT + n - 1))
    state=stopped
    alive "$dir/gunicorn.pid" && state="running (pid $(cat "$dir/gunicorn.pid"))"
    health=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 \
      "http://127.0.0.1:$port/healthz" 2>/dev/null || true)
    worker=stopped
    alive "$dir/worker.pid" && worker="running (pid $(cat "$dir/worker.pid"))"
    echo "server $n  127.0.0.1:$port  gunicorn $state, /healthz ${health:-000}, worker $worker"
  done
  if alive "$CLUSTER_DIR/haproxy.pid"; then
    echo "balancer  http://127.0.0.1:$LB_PORT  running (pid $(cat "$CLUSTER_DIR/haproxy.pid"))"
  else
    echo "balancer  http://127.0.0.1:$LB_PORT  stopped"
  fi
}

kill_app() {
  local dir=$CLUSTER_DIR/app$1 file
  [ -d "$dir" ] || fail "no server $1"
  for file in "$dir/gunicorn.pid" "$dir/worker.pid"; do
    alive "$file" && kill -KILL -- "-$(cat "$file")" 2>/dev/null || true
  done
  say "server $1 killed (kill -9)"
}

# A cut network without root or firewall rules: SIGSTOP freezes every process of the
# server's groups. As behind a cut link, nothing it holds answers: the kernel still takes
# new connections into the listen backlog, but no request gets an answer, so HAProxy's
# health checks time out (timeout check 2s, fall 2) and the server leaves the rotation;
# requests already sent to it wait, as TCP keeps resending over a cut link, and are
# answered once it comes back (unless the client gave up); its database connections stay
# open and idle, holding what they held, as a cut machine's do until TCP gives up.
signal_app() {
  local dir=$CLUSTER_DIR/app$1 file
  [ -d "$dir" ] || fail "no server $1"
  for file in "$dir/gunicorn.pid" "$dir/worker.pid"; do
    alive "$file" && kill "-$2" -- "-$(cat "$file")" 2>/dev/null || true
  done
}

cut_app() {
  local n=$1 seconds=$2
  signal_app "$n" STOP
  say "server $n cut off (SIGSTOP) for $seconds s"
  # The link comes back even if this script is stopped meanwhile.
  trap 'signal_app "$n" CONT' EXIT INT TERM
  sleep "$seconds"
  signal_app "$n" CONT
  trap - EXIT INT TERM
  say "server $n reachable again (SIGCONT)"
}

failover() {
  local current standby started seconds
  current=$(cat "$PG/current" 2>/dev/null || echo primary)
  standby=standby
  [ "$current" = standby ] && standby=primary
  [ -f "$PG/$standby/standby.signal" ] || fail "no standby to promote"
  started=$(date +%s%N)
  pg pg_ctl -D "$PG/$current" -w stop -m immediate >/dev/null
  pg pg_ctl -D "$PG/$standby" -w -t 60 promote >/dev/null
  until [ "$(psql_at "$(port_of "$standby")" "SELECT pg_is_in_recovery()" 2>/dev/null)" = f ]; do
    sleep 0.05
  done
  seconds=$((($(date +%s%N) - started) / 1000000))
  echo "$standby" >"$PG/current"
  say "$current stopped, $standby promoted: it accepts writes (alone: no standby now)"
  printf 'failover_seconds=%d.%03d\n' $((seconds / 1000)) $((seconds % 1000))
}

case "${1:-}" in
  up) up ;;
  down)
    down
    if [ "${2:-}" = --purge ]; then
      rm -rf "$CLUSTER_DIR"
      say "removed $CLUSTER_DIR"
    fi
    ;;
  status) status ;;
  kill-app) kill_app "${2:?kill-app N}" ;;
  start-app)
    require
    app_env
    start_app "${2:?start-app N}"
    ;;
  failover) failover ;;
  pause-app)
    signal_app "${2:?pause-app N}" STOP
    say "server $2 cut off (SIGSTOP)"
    ;;
  resume-app)
    signal_app "${2:?resume-app N}" CONT
    say "server $2 reachable again (SIGCONT)"
    ;;
  cut-app) cut_app "${2:?cut-app N SECONDS}" "${3:?cut-app N SECONDS}" ;;
  *)
    sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
