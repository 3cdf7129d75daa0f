# Shared shell helpers for the project's scripts. Source it; do not run it.
#
# Every background process a script starts is recorded with `remember_pid`, and one
# cleanup, registered with `trap ... EXIT`, stops exactly those processes by their ID.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV_BIN="$ROOT/.venv/bin"
TEMPORAL="$VENV_BIN/temporal"
PIDS=()

say() { printf '%s\n' "$*"; }
step() { printf '\n==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

remember_pid() { PIDS+=("$1"); }

# Stops what this script started, newest first: TERM, a bounded wait, then KILL.
stop_remembered() {
  local i pid
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    pid=${PIDS[i]}
    kill "$pid" 2>/dev/null || :
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || :
    wait "$pid" 2>/dev/null || :
  done
  PIDS=()
}

# Prints a TCP port that was free a moment ago on the loopback interface.
free_port() {
  "$VENV_BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits until the Temporal server at $1 answers its health check, at most $2 tries.
wait_for_server() {
  local address=$1 tries=${2:-100} i
  for ((i = 1; i <= tries; i++)); do
    if "$TEMPORAL" operator cluster health --address "$address" >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.1
  done
  die "Timed out waiting for the Temporal server at $address, tried $tries times"
}

# Waits until file $1 has a line matching the extended regex $2, at most $3 tries of 0.1 s;
# prints the last such line. $4 names what is awaited, for the timeout message.
wait_for_line() {
  local file=$1 pattern=$2 tries=$3 what=$4 i line
  for ((i = 1; i <= tries; i++)); do
    line=$(grep -E -- "$pattern" "$file" 2>/dev/null | tail -n 1) || :
    if [[ -n $line ]]; then
      printf '%s\n' "$line"
      return 0
    fi
    sleep 0.1
  done
  die "Timed out waiting for $what in $file, tried $tries times"
}

# Starts a dev server in the background on a free port with its log in $1; sets ADDRESS.
# Extra arguments go to `temporal server start-dev`.
start_dev_server() {
  local log=$1 port
  shift
  port=$(free_port)
  "$TEMPORAL" server start-dev --ip 127.0.0.1 --port "$port" --log-level warn "$@" >"$log" 2>&1 &
  remember_pid $!
  ADDRESS="127.0.0.1:$port"
  wait_for_server "$ADDRESS"
}

# Starts `python-completer serve` on a free loopback port with its output in $1.out and
# $1.err; sets SERVE_URL from its `Serving on` line. Extra arguments go to serve.
start_serve() {
  local log=$1 line
  shift
  "$VENV_BIN/python-completer" serve --listen 127.0.0.1:0 "$@" >"$log.out" 2>"$log.err" &
  remember_pid $!
  line=$(wait_for_line "$log.out" '^Serving on https?://' 300 "serve to listen")
  SERVE_URL=${line#Serving on }
}

# Sends an HTTP request and prints the answer's body; fails unless the status is 2xx, with
# the body still printed (it says why). What is sent comes on standard input, never on a
# command line, where `ps` would show it (it may hold a task token):
#   http_request POST_JSON URL   standard input is the JSON body
#   http_request GET URL         standard input is ignored
#   http_request POST_FORM URL   an empty form, as a page's button sends it
# curl when it is installed, else Python's urllib (scripts/http_request.py).
http_request() {
  local method=$1 url=$2
  local -a args=(--silent --show-error --max-time 30 --fail-with-body)
  if ! command -v curl >/dev/null 2>&1; then
    "$VENV_BIN/python" "$ROOT/scripts/http_request.py" "$method" "$url"
    return
  fi
  case $method in
    POST_JSON) curl "${args[@]}" --header 'Content-Type: application/json' --data-binary @- "$url" ;;
    GET) curl "${args[@]}" "$url" </dev/null ;;
    POST_FORM) curl "${args[@]}" --data '' "$url" </dev/null ;;
    *) die "http_request: unknown method $method" ;;
  esac
}

# Prints the JSON job {"tasktoken": TOKEN, "result": $1} of POST /v1/complete, TOKEN read
# from standard input: through pipes, the token is on no command line.
completion_job() {
  RESULT_TEXT=$1 "$VENV_BIN/python" -c 'import json, os, sys
token = sys.stdin.readline().strip()
print(json.dumps({"tasktoken": token, "result": os.environ["RESULT_TEXT"]}))'
}

# Shows the request http_request $1 $2 makes, as the curl command a person would type;
# $3, when given, is how to show the URL.
say_request() {
  local method=$1 url=${3:-$2}
  if ! command -v curl >/dev/null 2>&1; then
    say "(curl is not installed: Python's urllib sends ${method/_/ } to $url)"
    return
  fi
  case $method in
    POST_JSON) say "\$ curl -sS -H 'Content-Type: application/json' --data-binary @- $url" ;;
    GET) say "\$ curl -sS $url" ;;
    POST_FORM) say "\$ curl -sS --data '' $url" ;;
  esac
}

# Prints the field $1 of the JSON object on standard input.
json_field() {
  "$VENV_BIN/python" -c 'import json, sys; print(json.loads(sys.stdin.readline())[sys.argv[1]])' "$1"
}

# Prints a link page's (page/link.html) title and message, read from standard input.
page_outline() {
  "$VENV_BIN/python" -c 'import html, re, sys
page = sys.stdin.read()
title = re.search(r"<title>(.*?)</title>", page, re.S)
message = re.search(r"<p id=\"outcome\">(.*?)</p>", page, re.S)
print(f"Page: {html.unescape(title.group(1)) if title else page.strip()[:200]}")
if message:
    print(f"      {html.unescape(message.group(1))}")'
}

# Prints a new link key: 32 random bytes as 64 hex digits (docs/completer-cli.md).
make_link_key() {
  if command -v openssl >/dev/null 2>&1; then
    openssl rand -hex 32
  else
    "$VENV_BIN/python" -c 'import secrets; print(secrets.token_hex(32))'
  fi
}
