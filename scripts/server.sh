#!/usr/bin/env bash
# A dev server in the foreground for the manual walkthrough (`make server`), on the port of
# TEMPORAL_ADDRESS (default localhost:7233), Web UI on that port + 1000. DB_FILE keeps
# Workflows, pending Activities included, across restarts.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

address=${TEMPORAL_ADDRESS:-localhost:7233}
port=${address##*:}
args=(--port "$port" --ui-port "$((port + 1000))")
[[ -n ${DB_FILE:-} ]] && args+=(--db-filename "$DB_FILE")
say "Temporal dev server on $address, Web UI on http://localhost:$((port + 1000)) (Ctrl-C stops it)"
exec "$TEMPORAL" server start-dev "${args[@]}"
