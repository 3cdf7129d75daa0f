package lines

import (
	"fmt"
	"strconv"

	"github.com/async-completion/go-completer/internal/jsontext"
)

// The words of `serve` (docs/completer-http.md) that the CLI page has no row
// for: its start-up refusals, the answers that HTTP adds (401, 403, 404, 405,
// 413, 415 and a body that is no JSON object), and its lines on standard
// output and standard error. An answer to a job is the job's own line, as the
// batch writes it.

// The outcomes of the answers that are HTTP's own.
const (
	OutcomeUnauthorized     = "unauthorized"
	OutcomeForbidden        = "forbidden"
	OutcomeNotFound         = "not_found"
	OutcomeMethodNotAllowed = "method_not_allowed"
)

// OutcomeName is an answer's outcome for the exit code of its case: the
// batch's word, and cancel_requested for a heartbeat's exit 5, which an
// answer carries (with 200: the heartbeat was recorded) and a batch never
// does.
func OutcomeName(code int) string {
	if code == ExitCancelled {
		return "cancel_requested"
	}
	return outcomeName(code)
}

// AppendAnswer appends the JSON body of an answer, with its newline, byte for
// byte as Python's json.dumps(..., ensure_ascii=False, separators=(",", ":"))
// writes it: the batch's outcome line without "line" (and with "already"
// when the request was answered as already done).
func AppendAnswer(dst []byte, outcome string, code int, message string, already bool) []byte {
	dst = append(dst, `{"outcome":"`...)
	dst = append(dst, outcome...)
	dst = append(dst, `","code":`...)
	dst = strconv.AppendInt(dst, int64(code), 10)
	dst = append(dst, `,"message":`...)
	dst = jsontext.AppendString(dst, message)
	return appendAlready(dst, already)
}

// The messages of the answers that have no CLI line.
const (
	BodyNotAnObject = "the body is not a JSON object: send one job, as a line of complete --batch"
	NeedsCredential = "this route needs a credential: send Authorization: Bearer <secret>"
	NoSuchRoute     = "no such route: see docs/completer-http.md"
	BodyNotJSON     = "the body must be JSON: send Content-Type: application/json"
)

// HostNotListener: a Host header that does not name a loopback listener;
// url is the listener's address as serve printed it.
func HostNotListener(url string) string {
	return "the Host header does not name this server (DNS rebinding protection): use " + url
}

// MethodNotAllowed: the route exists, not with method; allowed is its Allow
// header.
func MethodNotAllowed(method, allowed string) string {
	return method + " is not allowed here: use " + allowed
}

// BodyTooLarge: a body larger than limit bytes.
func BodyTooLarge(limit int) string {
	return fmt.Sprintf("the body is larger than %d bytes: send a smaller result, or a reference to where the data is", limit)
}

// HeadersTooLarge: a request whose headers are more than fields fields or
// larger than limit bytes (the request target, every name and value).
func HeadersTooLarge(fields, limit int) string {
	return fmt.Sprintf("the request headers are too large: at most %d fields and %d bytes (the request target, every name and value) are accepted", fields, limit)
}

// TemporalAnswers: GET /healthz while the server at address answers.
func TemporalAnswers(address string) string {
	return fmt.Sprintf("the Temporal server at %s answers", address)
}

// Serving is the line on standard output once serve listens at url.
func Serving(url string) string { return "Serving on " + url }

// AppendRequestLog appends serve's line on standard error for one request,
// with its newline: `serve: METHOD PATH STATUS OUTCOME MS`. outcome is "-"
// for an answer without one (the page); milliseconds is the time it took,
// whole.
func AppendRequestLog(dst []byte, method, path string, status int, outcome string, milliseconds int64) []byte {
	dst = append(dst, "serve: "...)
	dst = append(dst, method...)
	dst = append(dst, ' ')
	dst = append(dst, path...)
	dst = append(dst, ' ')
	dst = strconv.AppendInt(dst, int64(status), 10)
	dst = append(dst, ' ')
	dst = append(dst, outcome...)
	dst = append(dst, ' ')
	dst = strconv.AppendInt(dst, milliseconds, 10)
	return append(dst, '\n')
}

// The start-up refusals of serve (exit 2), found before it listens.

// ListenNotHostPort: a --listen value that is not HOST:PORT.
func ListenNotHostPort(value string) *Failure {
	return OptionNotHostPort("--listen", value)
}

// OptionNotHostPort: an option's value (--listen, --metrics-listen) that is
// not HOST:PORT.
func OptionNotHostPort(option, value string) *Failure {
	return usage(fmt.Sprintf("%s \"%s\" is not HOST:PORT: use for example 127.0.0.1:8080", option, value))
}

// ListenNeedsCredentials: a HOST that is not a loopback address, without
// --auth-token-file.
func ListenNeedsCredentials(host string) *Failure {
	return usage(fmt.Sprintf("--listen %s is not a loopback address: pass --auth-token-file FILE, whose secret callers send as Authorization: Bearer <secret>", host))
}

// CannotReadCredentials: the credentials file cannot be read; reason is the
// OS's.
func CannotReadCredentials(file, reason string) *Failure {
	return usage(fmt.Sprintf("cannot read the credentials file \"%s\": %s", file, reason))
}

// NoCredentialOnLine: line number of the credentials file is no credential,
// or the file holds none.
func NoCredentialOnLine(file string, number int) *Failure {
	return usage(fmt.Sprintf("the credentials file \"%s\" has no credential on line %d: write one SECRET, or NAME SECRET, per line (secrets of at least 16 characters)", file, number))
}

// TLSTogether: only one of --tls-cert and --tls-key.
func TLSTogether() *Failure {
	return usage("give --tls-cert and --tls-key together")
}

// CannotLoadTLS: the certificate or the key cannot be loaded.
func CannotLoadTLS(cert, key string) *Failure {
	return usage(fmt.Sprintf("cannot load the TLS certificate \"%s\" and key \"%s\": check that both are PEM files of one key pair", cert, key))
}

// CannotListen: the address cannot be listened on; reason is the OS's.
func CannotListen(hostPort, reason string) *Failure {
	return usage(fmt.Sprintf("cannot listen on %s: %s", hostPort, reason))
}

// HelpServe is serve's --help.
const HelpServe = `Usage:
  go-completer serve [--listen HOST:PORT] [--auth-token-file FILE] [--tls-cert FILE --tls-key FILE]
                     [--link-key-file FILE] [--metrics-listen HOST:PORT]
                     [--address HOST:PORT] [--namespace NS] [--rpc-timeout DURATION]

Serves the completer over HTTP (docs/completer-http.md): POST /v1/complete,
/v1/fail, /v1/heartbeat and /v1/cancel take one --batch JSON job and answer its
outcome; GET /v1/pending lists what waits, as list --json; GET /v1/identity
says who an action records as having acted; GET /healthz; GET /
is the approval page; with --link-key-file, /a/LINK answers the signed links of
link (GET shows what a link will do, POST does it). It prints "Serving on URL" once listening, and stops on
SIGTERM or SIGINT after the requests in flight.

Options:
  --listen HOST:PORT      where to listen (default 127.0.0.1:8080; port 0 picks a
                          free one); HOST is an IP address or localhost
  --auth-token-file FILE  the credentials callers must send as Authorization: Bearer
                          <secret>: one SECRET, or NAME SECRET, per line; required
                          unless HOST is a loopback address
  --tls-cert FILE         serve HTTPS with this PEM certificate chain (with --tls-key)
  --tls-key FILE          the PEM key of --tls-cert
  --link-key-file FILE    answer the signed links that link makes with this key file
  --metrics-listen HOST:PORT
                          serve GET /metrics (Prometheus text format) on this address
                          of its own, with no credential: no metric holds a token, a
                          result or a secret

Connection (default: Temporal's environment configuration, TEMPORAL_ADDRESS etc.):
  --address HOST:PORT     the Temporal server (default localhost:7233)
  --namespace NS          the namespace (default "default")
  --rpc-timeout DURATION  bound on each Temporal request a route makes: 500ms, 10s,
                          1m, 1.5s or a number of seconds (default 10s)

Exit codes: 0 stopped by a signal, 1 other failure, 2 usage (a start-up refusal).
`
