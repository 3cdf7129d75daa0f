package lines

import "fmt"

// The help texts (--help, -h) on standard output. The page lets them differ
// between the two languages.

const helpOverview = `Usage:
  go-completer [complete|fail|heartbeat|cancel|inspect] TARGET [OPTIONS]
  go-completer --tasktoken HEX [--result TEXT]          (no command: complete)
  go-completer complete|fail --batch FILE|- [OPTIONS]   (many Activities, one per line)
  go-completer list [--workflow-id ID | --query QUERY] [--json] [OPTIONS]
  go-completer serve [--listen HOST:PORT] [--auth-token-file FILE] [OPTIONS]
  go-completer link --workflow-id ID --activity-id ID --action approve|reject --base-url URL --link-key-file FILE

Finishes an Activity that the Worker left to complete asynchronously.

Commands:
  complete    report the Activity as completed with --result TEXT
  fail        report the Activity as failed with --reason TEXT [--retryable]
  heartbeat   record a heartbeat [--details TEXT]
  cancel      report the Activity as cancelled [--details TEXT], after a cancel was requested
  inspect     decode --tasktoken HEX offline and print it as JSON
  list        show the Activities that wait to be finished
  serve       serve these commands over HTTP, with an approval page (serve --help)
  link        print a signed link that approves or rejects an Activity through serve (link --help)

`

const helpTarget = `Target:
  --tasktoken HEX         the taskToken= value from the Worker's log (alias --task-token);
                          - reads it from the first line of standard input
  --workflow-id ID        address the Activity by IDs instead (needs --activity-id)
  --activity-id ID        the Activity ID; alone, a standalone Activity (no Workflow)
  --run-id ID             the Workflow's run, or the standalone Activity's (optional)

`

const helpBatch = `Batch (instead of a target):
  --batch FILE            one job per line: a hex task token, or a JSON object with
                          "tasktoken" or "workflow_id" + "activity_id" (+ "run_id")
                          and optional %s, "identity", "idempotency_key";
                          FILE - reads standard input.
                          Prints one JSON line per job, as each job finishes.
  --concurrency N         requests in flight at most, 1 to 1000 (default 64)
  --metrics-file FILE     write the batch's counters there at the end, in the
                          Prometheus text format (a node exporter's textfile collector)

`

const helpWho = `Who acted (recorded in the history event that closes the Activity):
  --identity TEXT         who acted, 1 to 128 characters (default PID@HOST); recorded
                          as "TEXT via go-completer cli@HOST"
  --idempotency-key KEY   1 to 128 printable ASCII characters, recorded with it: a
                          request refused because the Activity is not pending any
                          more is answered as already done when the history shows
                          this key (or, without one, the same action and payload)

`

const helpConnection = `Connection (default: Temporal's environment configuration, TEMPORAL_ADDRESS etc.):
  --address HOST:PORT     the Temporal server (default localhost:7233)
  --namespace NS          the namespace (default "default")
  --rpc-timeout DURATION  bound on connecting plus the request: 500ms, 10s, 1m, 1.5s
                          or a number of seconds (default 10s)

Exit codes: 0 done, 1 other failure, 2 usage or malformed input, 3 refused by the
server, 4 server unreachable or too slow, 5 heartbeat answered with a cancel request.
`

const completeOptions = "  --result TEXT           the Activity's result (default: empty text)\n" +
	"  --result-file PATH      the result is the file's content, UTF-8 text, unchanged\n"

const helpList = `Usage:
  go-completer list [--workflow-id ID | --query QUERY] [--json] [OPTIONS]

Shows the Activities that wait to be finished: by default those of the running
Workflows of task queue "async". The server gives task tokens to the Worker
only, so a listed Activity is finished by IDs:
  go-completer list --json | go-completer complete --batch - --result TEXT

Visibility can lag a Workflow started a moment ago: the default scope and
--query may miss it for about a second; --workflow-id does not.

Options:
  --workflow-id ID        that Workflow only (its latest run), read without visibility
  --query QUERY           a visibility query, sent as is, instead of
                          TaskQueue = "async" AND ExecutionStatus = "Running"
  --json                  one JSON line per pending Activity, with the --batch job keys
  --no-input              leave the histories unread: no input or summary (null, -), faster
  --concurrency N         describes in flight at most, 1 to 1000 (default 64)
  --page-size N           Workflows per visibility page, 1 to 1000 (default 1000)

Connection (default: Temporal's environment configuration, TEMPORAL_ADDRESS etc.):
  --address HOST:PORT     the Temporal server (default localhost:7233)
  --namespace NS          the namespace (default "default")
  --rpc-timeout DURATION  bound on connecting, and on each request: 500ms, 10s, 1m,
                          1.5s or a number of seconds (default 10s)

Exit codes: 0 listed (also when nothing is pending), 1 other failure, 2 usage,
3 refused by the server (unknown namespace, a query it cannot run), 4 server
unreachable or too slow.
`

// Help is the help of a command; the overview when no command was named.
func Help(verb string, bare bool) string {
	var options, batch string
	switch {
	case verb == "list":
		return helpList
	case bare:
		return helpOverview + helpTarget + "Options:\n" + completeOptions + "\n" + helpWho + helpConnection
	case verb == "inspect":
		return "Usage:\n  go-completer inspect --tasktoken HEX\n\n" +
			"Decodes a task token offline and prints it as JSON; contacts no server.\n\n" +
			"  --tasktoken HEX         the taskToken= value from the Worker's log (alias --task-token);\n" +
			"                          - reads it from the first line of standard input\n"
	case verb == "fail":
		options = "  --reason TEXT           required: the failure's message (in a batch: for jobs without one)\n" +
			"  --retryable             record a retryable failure (default: non-retryable)\n"
		batch = fmt.Sprintf(helpBatch, `"reason", "retryable"`)
	case verb == "heartbeat":
		options = "  --details TEXT          heartbeat details\n"
	case verb == "cancel":
		options = "  --details TEXT          cancellation details\n"
	default:
		options = completeOptions
		batch = fmt.Sprintf(helpBatch, `"result"`)
	}
	return "Usage:\n  go-completer " + verb + " TARGET [OPTIONS]\n\n" + helpTarget + "Options:\n" + options + "\n" + helpWho + batch + helpConnection
}

// HelpLink is link's --help.
const HelpLink = `Usage:
  go-completer link --workflow-id ID --activity-id ID [--run-id ID] --action approve|reject
                    [--result TEXT | --reason TEXT] [--for NAME] [--expires DURATION | --expires-at TIME]
                    --base-url URL --link-key-file FILE [OPTIONS]

Prints one URL, BASE/a/LINK, that a person can click in an email or a chat
message: serve, started with the same --link-key-file, shows what the link will
do on GET and does it on POST (the button on that page). The link names one
action on the current attempt of one Activity of one Workflow run (found with
describe), who it is for and when it expires, signed with HMAC-SHA-256: no task
token is in it. Once that attempt is closed or retried, the link is void.

Options:
  --workflow-id ID        the Activity's Workflow (needs --activity-id)
  --activity-id ID        the Activity; alone, a standalone Activity
  --run-id ID             the run (default: the current one)
  --action approve|reject approve completes with --result TEXT (default: empty text);
                          reject fails, non-retryable, with --reason TEXT (required)
  --result TEXT           approve: the result (at most 500 bytes)
  --reason TEXT           reject: the reason (at most 500 bytes)
  --for NAME              who the link is for, recorded as "NAME (link)": 1 to 64 of
                          A-Z a-z 0-9 . _ @ - (default: link)
  --expires DURATION      how long the link works: 90m, 72h, 7d, at most 365d (default 72h)
  --expires-at TIME       an absolute expiry instead, RFC 3339 (2026-12-06T09:00:00Z)
  --base-url URL          where serve is reached: http:// or https://, a host, maybe a path
  --link-key-file FILE    the signing key: its first line, at least 32 bytes (openssl rand
                          -hex 32 > FILE); a second line, the previous key, only verifies

Connection (default: Temporal's environment configuration, TEMPORAL_ADDRESS etc.):
  --address HOST:PORT     the Temporal server (default localhost:7233)
  --namespace NS          the namespace (default "default")
  --rpc-timeout DURATION  bound on connecting plus the describe: 500ms, 10s, 1m, 1.5s
                          or a number of seconds (default 10s)

Exit codes: 0 printed, 1 other failure, 2 usage, 3 the Activity is not pending (the
line says what closed it) or the server refused, 4 server unreachable or too slow.
`
