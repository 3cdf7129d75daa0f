#!/usr/bin/env bash
# The demo with standalone Activities (started without a Workflow, `temporal activity
# start`): a dev server (unless TEMPORAL_ADDRESS is set), the Python Worker on a task queue of
# its own, two standalone Activities on it, the first finished by its token with the Python
# completer, the second by its Activity ID alone with the Go completer, and their results as
# the `temporal` CLI reads them. Stops everything it started on every way out.
#
#   COMPLETER=standalone scripts/run-all.sh     (make run-all COMPLETER=standalone)
#
# INPUT is the Activities' input; RESULT the start of each completer's result.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

INPUT=${INPUT:-Plain text input}
RESULT=${RESULT:-Completed}
for bin in .venv/bin/python-completer bin/go-completer .venv/bin/python-worker; do
  [[ -x $bin ]] || die "$bin is missing: run make install"
done

# Logs hold task tokens, which are credentials: mktemp -d makes a folder only we can read.
run_dir=$(mktemp -d "${TMPDIR:-/tmp}/async-run-standalone.XXXXXX")
trap stop_remembered EXIT
trap 'printf "\nInterrupted: stopping what this demo started\n" >&2; exit 130' INT TERM

step "1. A Temporal server"
if [[ -n ${TEMPORAL_ADDRESS:-} ]]; then
  ADDRESS=$TEMPORAL_ADDRESS
  wait_for_server "$ADDRESS" 50
  say "Using the server at $ADDRESS (from TEMPORAL_ADDRESS)"
else
  start_dev_server "$run_dir/server.log" --headless
  say "Started a dev server at $ADDRESS"
fi
export TEMPORAL_ADDRESS=$ADDRESS

run="$(date +%Y%m%d-%H%M%S)-$RANDOM"
task_queue="run-standalone-$run"
step "2. The Python Worker (the Activity on the demo's own task queue \"$task_queue\")"
.venv/bin/python-worker --task-queue "$task_queue" >"$run_dir/worker.log" 2>"$run_dir/worker.err" &
remember_pid $!
wait_for_line "$run_dir/worker.log" '^Worker started' 200 "the Worker to start" >/dev/null
say "Worker running, log: $run_dir/worker.log"

# Starts standalone Activity $1 on the demo's task queue with the temporal CLI.
start_activity() {
  local id=$1
  say "\$ temporal activity start --activity-id $id --type Activity --task-queue $task_queue \\"
  say "    --start-to-close-timeout 5m --input '\"$INPUT\"'"
  "$TEMPORAL" activity start --activity-id "$id" --type Activity --task-queue "$task_queue" \
    --start-to-close-timeout 5m --input "$(json_text "$INPUT")" >"$run_dir/$id.start" \
    || die "the temporal CLI could not start standalone Activity $id"
}

# A text as a JSON string, for the temporal CLI's --input and --result.
json_text() { "$VENV_BIN/python" -c 'import json, sys; print(json.dumps(sys.argv[1]))' "$1"; }

by_token="sa-token-$run"
by_id="sa-id-$run"
step "3. Start two standalone Activities, no Workflow (the temporal CLI)"
start_activity "$by_token"
start_activity "$by_id"

step "4. Each logs its task token (no Workflow ID) and returns \"result pending\""
for id in "$by_token" "$by_id"; do
  line=$(wait_for_line "$run_dir/worker.log" "workflow_id= .*activity_id=$id .*taskToken=" 300 \
    "the token line of standalone Activity $id")
  token=${line##*taskToken=}
  say "Worker: ${line%%taskToken=*}taskToken=${token:0:16}…${token: -8} ($((${#token} / 2)) bytes)"
  [[ $id == "$by_token" ]] && first_token=$token
done
say "(the token is a credential: the full lines are in the Worker's log only)"

step "5. The Python completer completes the first by its token"
say "\$ .venv/bin/python-completer complete --tasktoken - --result \"$RESULT by token\"   (token on standard input)"
printf '%s\n' "$first_token" | .venv/bin/python-completer complete --tasktoken - --result "$RESULT by token"

step "6. The Go completer completes the second by its Activity ID alone"
say "\$ bin/go-completer complete --activity-id $by_id --result \"$RESULT by ID\""
bin/go-completer complete --activity-id "$by_id" --result "$RESULT by ID"

step "7. Their results, as the temporal CLI reads them"
for id in "$by_token" "$by_id"; do
  say "\$ temporal activity result --activity-id $id"
  "$TEMPORAL" activity result --activity-id "$id"
done
say "Done. Logs: $run_dir"
