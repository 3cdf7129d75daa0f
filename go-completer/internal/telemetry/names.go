// Package telemetry is seeing the completer run: Prometheus metrics and
// OpenTelemetry traces, with the same names, labels and span attributes as
// the Python completer's (docs/completer-http.md, "Seeing it run"; Python:
// async_completer/telemetry/).
//
// Both are off until a program turns them on (serve --metrics-listen,
// --batch --metrics-file, the standard OTEL_* environment); the hooks the
// other packages call (Call, StartJob) cost a nil test when both are off. No
// label and no span attribute ever holds a token, a result, a reason or a
// secret: only IDs, names and counts.
package telemetry

import (
	"strings"

	"go.temporal.io/api/serviceerror"

	"github.com/async-completion/go-completer/internal/lines"
)

// Span attributes. The Activity's IDs are named as the SDKs' tracing
// interceptors name them, so that the Worker's Activity span and the
// completion's span share them.
const (
	AttrWorkflowID = "temporalWorkflowID"
	AttrRunID      = "temporalRunID"
	AttrActivityID = "temporalActivityID"
	AttrAttempt    = "completer.attempt"
	AttrVerb       = "completer.verb"
	AttrOutcome    = "completer.outcome"
)

// Buckets are the histograms' buckets in seconds, the same in both
// languages: Prometheus' default buckets.
var Buckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// None labels a request that matched no route, and an answer with no outcome
// (a page).
const None = "none"

// LinkRoute is the route label of signed links: never the link, a credential.
const LinkRoute = "/a/{link}"

// codeNames are the gRPC status codes by number, named as gRPC's own
// documentation names them.
var codeNames = []string{
	"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
	"NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
	"FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
	"INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
}

// ResultOf is a Temporal request's result: OK, or the name of its gRPC
// status code.
func ResultOf(err error) string {
	if err == nil {
		return "OK"
	}
	code := int(serviceerror.ToStatus(err).Code())
	if code >= 0 && code < len(codeNames) {
		return codeNames[code]
	}
	return "UNKNOWN"
}

// down says whether a result means Temporal did not answer.
func down(result string) bool {
	return result == "UNAVAILABLE" || result == "DEADLINE_EXCEEDED" || result == "UNKNOWN"
}

// JobOutcome is a job's outcome: the answer's, or "already" for a repeat
// answered as done.
func JobOutcome(code int, already bool) string {
	if already && code == lines.ExitOK {
		return "already"
	}
	return lines.OutcomeName(code)
}

// isJobOutcome says whether an answer's outcome is a job's (the request
// passed the guards).
func isJobOutcome(outcome string) bool {
	switch outcome {
	case "ok", "malformed", "refused", "unreachable", "error", "cancel_requested":
		return true
	}
	return false
}

// RouteLabel is the route a request matched; a link's route, never the link.
func RouteLabel(route string) string {
	if route == "" {
		return None
	}
	if strings.HasPrefix(route, "/a/") {
		return LinkRoute
	}
	return route
}

// MethodLabel is the method, or "other": a caller must not grow the label
// set.
func MethodLabel(method string) string {
	switch method {
	case "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS":
		return method
	}
	return "other"
}

// linkResult is the result of a link request: acted (a POST answered 200),
// shown (a GET or HEAD answered 200), or what refused it.
func linkResult(method string, status int) string {
	switch status {
	case 200:
		if method == "POST" {
			return "acted"
		}
		return "shown"
	case 403:
		return "invalid"
	case 410:
		return "expired"
	case 409:
		return "refused"
	case 503:
		return "unreachable"
	}
	return "failed"
}
