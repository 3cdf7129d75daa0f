#!/usr/bin/env bash
# The whole demo in one process tree: a dev server (unless TEMPORAL_ADDRESS is set), the
# Python Worker, one Workflow, its token taken from the Worker's log to a completer, and
# the Workflow's result. Stops everything it started on every way out, Ctrl-C included.
#
#   scripts/run-all.sh                  # the Python completer
#   COMPLETER=go scripts/run-all.sh     # the Go completer
#   COMPLETER=http scripts/run-all.sh   # the Python completer's serve, the token POSTed to it
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

COMPLETER=${COMPLETER:-python}
INPUT=${INPUT:-Plain text input}
case $COMPLETER in
  python) completer_bin=.venv/bin/python-completer; completer_name="the Python completer" ;;
  go) completer_bin=bin/go-completer; completer_name="the Go completer" ;;
  http) completer_bin=.venv/bin/python-completer; completer_name="the Python completer's serve" ;;
  *) die "COMPLETER must be python, go or http, not \"$COMPLETER\"" ;;
esac
RESULT=${RESULT:-Completed by $completer_name}
[[ -x $completer_bin ]] || die "$completer_bin is missing: run make install"

# Logs hold task tokens, which are credentials: mktemp -d makes a folder only we can read.
run_dir=$(mktemp -d "${TMPDIR:-/tmp}/async-run-all.XXXXXX")
trap stop_remembered EXIT
# To standard error: a step may have standard output redirected when Ctrl-C arrives.
trap 'printf "\nInterrupted: stopping what this demo started\n" >&2; exit 130' INT TERM

step_number=0
next_step() {
  step_number=$((step_number + 1))
  step "$step_number. $*"
}

next_step "A Temporal server"
if [[ -n ${TEMPORAL_ADDRESS:-} ]]; then
  ADDRESS=$TEMPORAL_ADDRESS
  wait_for_server "$ADDRESS" 50
  say "Using the server at $ADDRESS (from TEMPORAL_ADDRESS)"
  started_server=no
else
  start_dev_server "$run_dir/server.log" --headless
  started_server=yes
  say "Started a dev server at $ADDRESS"
fi
export TEMPORAL_ADDRESS=$ADDRESS

next_step "The Python Worker (Workflow and Activity on task queue \"async\")"
.venv/bin/python-worker >"$run_dir/worker.log" 2>"$run_dir/worker.err" &
remember_pid $!
wait_for_line "$run_dir/worker.log" '^Worker started' 200 "the Worker to start" >/dev/null
say "Worker running, log: $run_dir/worker.log"

if [[ $COMPLETER == http ]]; then
  next_step "The Python completer as an HTTP service (serve, on a free port)"
  start_serve "$run_dir/serve"
  say "\$ $completer_bin serve --listen 127.0.0.1:0"
  say "Serving on $SERVE_URL, log: $run_dir/serve.err"
fi

next_step "Start the Workflow"
workflow_id="async-$(date +%Y%m%d-%H%M%S)-$RANDOM"
.venv/bin/python-starter --workflow-id "$workflow_id" --input "$INPUT" >"$run_dir/starter.log" 2>&1 &
starter_pid=$!
remember_pid "$starter_pid"
wait_for_line "$run_dir/starter.log" '^Started Workflow' 200 "the Workflow to start"

next_step "The Activity logs its task token and returns \"result pending\""
line=$(wait_for_line "$run_dir/worker.log" "workflow_id=$workflow_id .*taskToken=" 300 \
  "the token line of Workflow $workflow_id")
token=${line##*taskToken=}
say "Worker: ${line%%taskToken=*}taskToken=${token:0:16}…${token: -8} ($((${#token} / 2)) bytes)"
say "(the token is a credential: the full line is in the Worker's log only)"

if [[ $COMPLETER == http ]]; then
  next_step "POST the token to serve, which completes the Activity"
  if command -v curl >/dev/null 2>&1; then
    say "\$ curl -sS -H 'Content-Type: application/json' --data-binary @- $SERVE_URL/v1/complete"
  else
    say "(curl is not installed: Python's urllib POSTs to $SERVE_URL/v1/complete)"
  fi
  say "  standard input: {\"tasktoken\": \"${token:0:16}…\", \"result\": \"$RESULT\"}"
  printf '%s\n' "$token" | completion_job "$RESULT" | http_request POST_JSON "$SERVE_URL/v1/complete" \
    || die "serve did not complete the Activity (its answer is above; its log: $run_dir/serve.err)"
else
  next_step "${completer_name^} completes the Activity with that token"
  say "\$ $completer_bin complete --tasktoken - --result \"$RESULT\"   (token on standard input)"
  printf '%s\n' "$token" | "$completer_bin" complete --tasktoken - --result "$RESULT"
fi

next_step "The Workflow's result"
wait_for_line "$run_dir/starter.log" '^Workflow result: ' 300 "the Workflow's result"
if [[ $started_server == yes ]]; then
  say "The demo's server stops with it. To browse the Workflow in the Web UI, run make server in"
  say "another terminal, then TEMPORAL_ADDRESS=localhost:7233 make run-all, and open the printed link."
else
  say "Web UI (of a dev server): http://${ADDRESS%:*}:$((${ADDRESS##*:} + 1000))/namespaces/default/workflows/$workflow_id"
fi
say "Done. Logs: $run_dir"
