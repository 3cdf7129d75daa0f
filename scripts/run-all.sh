#!/usr/bin/env bash
# The whole demo in one process tree: a dev server (unless TEMPORAL_ADDRESS is set), the
# Python Worker, one Workflow, its Activity finished from outside the Worker, and the
# Workflow's result. Stops everything it started on every way out, Ctrl-C included.
#
#   scripts/run-all.sh                  # the token from the Worker's log to the Python completer
#   COMPLETER=go scripts/run-all.sh     # ... to the Go completer
#   COMPLETER=http scripts/run-all.sh   # ... POSTed to the Python completer's serve
#   COMPLETER=link scripts/run-all.sh   # the Worker announces signed links; the approve link
#                                       # is opened (GET: nothing happens), then POSTed
#   COMPLETER=standalone scripts/run-all.sh   # standalone Activities, no Workflow: one finished
#                                       # by token (Python), one by Activity ID (Go); see
#                                       # scripts/run-standalone.sh
#
# INPUT is the Workflow's input; RESULT the completer's result (a link's is "Approved").
# The demo's Worker and Workflow use a task queue of their own: another Worker polling the
# exercise's queue `async` (make worker, in another terminal) cannot take its Activity.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

COMPLETER=${COMPLETER:-python}
INPUT=${INPUT:-Plain text input}
[[ $COMPLETER == standalone ]] && exec scripts/run-standalone.sh
case $COMPLETER in
  python) completer_bin=.venv/bin/python-completer; completer_name="the Python completer" ;;
  go) completer_bin=bin/go-completer; completer_name="the Go completer" ;;
  http) completer_bin=.venv/bin/python-completer; completer_name="the Python completer's serve" ;;
  link) completer_bin=.venv/bin/python-completer; completer_name="a signed link" ;;
  *) die "COMPLETER must be python, go, http, link or standalone, not \"$COMPLETER\"" ;;
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

workflow_id="async-$(date +%Y%m%d-%H%M%S)-$RANDOM"
task_queue="run-all-${workflow_id#async-}"
worker_args=(--task-queue "$task_queue")
case $COMPLETER in
  http)
    next_step "The Python completer as an HTTP service (serve, on a free port)"
    say "\$ $completer_bin serve --listen 127.0.0.1:0"
    start_serve "$run_dir/serve"
    say "Serving on $SERVE_URL, log: $run_dir/serve.err"
    ;;
  link)
    next_step "A link key, and the Python completer's serve, which acts on links signed with it"
    # The key signs every link: like the logs, only we may read it (whatever the umask).
    (umask 077 && make_link_key >"$run_dir/link.key")
    if command -v openssl >/dev/null 2>&1; then
      say "\$ openssl rand -hex 32 > $run_dir/link.key"
    else
      say "(openssl is not installed: Python's secrets.token_hex(32) > $run_dir/link.key)"
    fi
    say "\$ $completer_bin serve --listen 127.0.0.1:0 --link-key-file $run_dir/link.key"
    start_serve "$run_dir/serve" --link-key-file "$run_dir/link.key"
    say "Serving on $SERVE_URL, log: $run_dir/serve.err"

    next_step "An announcement receiver (in place of a chat's incoming webhook)"
    "$VENV_BIN/python" scripts/announce_receiver.py "$run_dir/announcements.jsonl" \
      >"$run_dir/receiver.out" 2>"$run_dir/receiver.err" &
    remember_pid $!
    line=$(wait_for_line "$run_dir/receiver.out" '^Receiving announcements on http://' 300 \
      "the announcement receiver to listen")
    announce_url=${line#Receiving announcements on }
    say "$line, each one a line of $run_dir/announcements.jsonl"
    worker_args+=(--announce-url "$announce_url" --link-base-url "$SERVE_URL"
      --link-key-file "$run_dir/link.key")
    ;;
esac

if [[ $COMPLETER == link ]]; then
  next_step "The Python Worker, announcing every attempt with its approve and reject links"
  say "\$ .venv/bin/python-worker ${worker_args[*]}"
else
  next_step "The Python Worker (Workflow and Activity on the demo's own task queue \"$task_queue\")"
fi
.venv/bin/python-worker "${worker_args[@]}" >"$run_dir/worker.log" 2>"$run_dir/worker.err" &
remember_pid $!
wait_for_line "$run_dir/worker.log" '^Worker started' 200 "the Worker to start" >/dev/null
say "Worker running, log: $run_dir/worker.log"

next_step "Start the Workflow"
.venv/bin/python-starter --workflow-id "$workflow_id" --task-queue "$task_queue" --input "$INPUT" >"$run_dir/starter.log" 2>&1 &
starter_pid=$!
remember_pid "$starter_pid"
wait_for_line "$run_dir/starter.log" '^Started Workflow' 200 "the Workflow to start"

next_step "The Activity logs its task token and returns \"result pending\""
line=$(wait_for_line "$run_dir/worker.log" "workflow_id=$workflow_id .*taskToken=" 300 \
  "the token line of Workflow $workflow_id")
token=${line##*taskToken=}
say "Worker: ${line%%taskToken=*}taskToken=${token:0:16}…${token: -8} ($((${#token} / 2)) bytes)"
say "(the token is a credential: the full line is in the Worker's log only)"

case $COMPLETER in
  http)
    next_step "POST the token to serve, which completes the Activity"
    say_request POST_JSON "$SERVE_URL/v1/complete"
    say "  standard input: {\"tasktoken\": \"${token:0:16}…\", \"result\": \"$RESULT\"}"
    printf '%s\n' "$token" | completion_job "$RESULT" | http_request POST_JSON "$SERVE_URL/v1/complete" \
      || die "serve did not complete the Activity (its answer is above; its log: $run_dir/serve.err)"
    ;;
  link)
    next_step "The announcement: what a chat channel shows (no token in it)"
    announcement=$(wait_for_line "$run_dir/announcements.jsonl" "\"workflow_id\":\"$workflow_id\"" 300 \
      "the announcement of Workflow $workflow_id")
    json_field text <<<"$announcement"
    approve_url=$(json_field approve_url <<<"$announcement")
    say "(full message: $run_dir/announcements.jsonl)"

    next_step "Open the approve link (GET, as a person or a mail scanner does): nothing happens"
    say "\$ approve_url=${approve_url:0:40}…   (the Approve link above)"
    say_request GET "$approve_url" '"$approve_url"'
    if command -v curl >/dev/null 2>&1; then say "(curl prints the page's HTML; here, its title and message)"; fi
    http_request GET "$approve_url" | page_outline \
      || die "serve did not show the link's page (its log: $run_dir/serve.err)"
    say "\$ $completer_bin list --workflow-id $workflow_id"
    "$completer_bin" list --workflow-id "$workflow_id"

    next_step "Press the page's button (POST the same link): the Activity is approved"
    say_request POST_FORM "$approve_url" '"$approve_url"'
    if command -v curl >/dev/null 2>&1; then say "(the page's title and message)"; fi
    http_request POST_FORM "$approve_url" | page_outline \
      || die "serve did not act on the link (its log: $run_dir/serve.err)"
    ;;
  *)
    next_step "${completer_name^} completes the Activity with that token"
    say "\$ $completer_bin complete --tasktoken - --result \"$RESULT\"   (token on standard input)"
    printf '%s\n' "$token" | "$completer_bin" complete --tasktoken - --result "$RESULT"
    ;;
esac

next_step "The Workflow's result"
wait_for_line "$run_dir/starter.log" '^Workflow result: ' 300 "the Workflow's result"
if [[ $started_server == yes ]]; then
  say "The demo's server stops with it. To browse the Workflow in the Web UI, run make server in"
  say "another terminal, then TEMPORAL_ADDRESS=localhost:7233 make run-all, and open the printed link."
else
  say "Web UI (of a dev server): http://${ADDRESS%:*}:$((${ADDRESS##*:} + 1000))/namespaces/default/workflows/$workflow_id"
fi
say "Done. Logs: $run_dir"
