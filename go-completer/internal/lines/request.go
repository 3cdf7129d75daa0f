package lines

import "fmt"

// DescribeAttempt names the Activity of a task token; DescribeIDs one given by
// its IDs. Every success and refusal line names the Activity this way: plain
// quotes around the raw text but for control characters, escaped as in the
// list table (CellText): a line stays one line whatever the IDs hold.
func DescribeAttempt(activityID, workflowID string, attempt int64) string {
	return fmt.Sprintf("Activity \"%s\" of Workflow \"%s\" (attempt %d)", CellText(activityID), CellText(workflowID), attempt)
}

// DescribeStandaloneAttempt names a standalone Activity's token's attempt.
func DescribeStandaloneAttempt(activityID string, attempt int64) string {
	return fmt.Sprintf("standalone Activity \"%s\" (attempt %d)", CellText(activityID), attempt)
}

// DescribeIDs names an Activity addressed by its IDs; without a Workflow ID,
// a standalone Activity.
func DescribeIDs(activityID, workflowID string) string {
	if workflowID == "" {
		return fmt.Sprintf("standalone Activity \"%s\"", CellText(activityID))
	}
	return fmt.Sprintf("Activity \"%s\" of Workflow \"%s\"", CellText(activityID), CellText(workflowID))
}

// The success lines: the one line on standard output when the server accepted
// the request.

// Completed is complete's line.
func Completed(desc string) string { return "Completed " + desc }

// Failed is fail's line.
func Failed(desc string, retryable bool) string {
	if retryable {
		return fmt.Sprintf("Failed %s (retryable: the server will run it again)", desc)
	}
	return fmt.Sprintf("Failed %s (non-retryable)", desc)
}

// HeartbeatRecorded is heartbeat's line.
func HeartbeatRecorded(desc string) string { return "Recorded a heartbeat for " + desc }

// Cancelled is cancel's line.
func Cancelled(desc string) string { return fmt.Sprintf("Reported %s as cancelled", desc) }

// The rows of a request the server refused (exit 3), did not answer (exit 4),
// or answered with a cancel request (exit 5).

// NamespaceNotFound names the namespace the completer used.
func NamespaceNotFound(namespace, address string) *Failure {
	return refused(fmt.Sprintf("namespace \"%s\" was not found on the server at %s: check --namespace or TEMPORAL_NAMESPACE", namespace, address))
}

// OtherNamespace: a token of a Workflow in another namespace.
func OtherNamespace(namespace string) *Failure {
	return refused(fmt.Sprintf("the task token is for another namespace than \"%s\": set --namespace or TEMPORAL_NAMESPACE to the namespace of its Workflow", namespace))
}

// CancelNotRequested: cancel of an Activity whose cancellation nobody requested.
func CancelNotRequested(desc, workflowID string) *Failure {
	return refused(fmt.Sprintf("the server refused to report %s as cancelled: no cancellation was requested for it; request one first (make cancel WORKFLOW_ID=%s)", desc, workflowID))
}

// StandaloneCancelNotRequested: cancel of a standalone Activity for which no
// cancellation was requested.
func StandaloneCancelNotRequested(desc, activityID string) *Failure {
	return refused(fmt.Sprintf("the server refused to report %s as cancelled: no cancellation was requested for it; request one first (temporal activity cancel --activity-id %s)", desc, activityID))
}

// ServerCannotReadToken: the server could not deserialize the token.
func ServerCannotReadToken() *Failure {
	return refused("the server could not read the task token (was it cut short?): copy the whole taskToken= value from the Worker's log")
}

// Refused: any other refusal, with the server's message.
func Refused(message string) *Failure {
	return refused("the server refused the request: " + OneLine(message))
}

// QueryRefused: list's visibility query refused by the server.
func QueryRefused(message string) *Failure {
	return refused("the server refused the query: " + OneLine(message))
}

// Unreachable: no answer from address within the --rpc-timeout text.
func Unreachable(address, timeoutText string) *Failure {
	return &Failure{
		Code: ExitUnreachable,
		Message: fmt.Sprintf("could not reach the Temporal server at %s within %s: start one with make server, or point TEMPORAL_ADDRESS or --address at yours",
			address, timeoutText),
	}
}

// TLSHandshakeFailed: TLS is configured, and connecting failed in the handshake.
func TLSHandshakeFailed(address string) *Failure {
	return &Failure{
		Code: ExitUnreachable,
		Message: fmt.Sprintf("could not reach the Temporal server at %s over TLS: the TLS handshake failed; check TEMPORAL_TLS_SERVER_CA_CERT_PATH (or _DATA) and TEMPORAL_TLS_SERVER_NAME",
			address),
	}
}

// CancelRequested: a heartbeat answered with a cancel request.
func CancelRequested(desc string) *Failure {
	return &Failure{
		Code:    ExitCancelled,
		Message: fmt.Sprintf("cancellation was requested for %s: stop its work, then report it with the cancel command", desc),
	}
}

// Paused and Reset answer a heartbeat for an Activity paused or reset on the
// server: like a cancel request, the server asks it to stop (exit 5).
func Paused(desc string) *Failure {
	return &Failure{
		Code:    ExitCancelled,
		Message: fmt.Sprintf("%s is paused on the server: the heartbeat was recorded; stop its work until it is unpaused", desc),
	}
}

// Reset: see Paused.
func Reset(desc string) *Failure {
	return &Failure{
		Code:    ExitCancelled,
		Message: fmt.Sprintf("%s was reset on the server: the heartbeat was recorded; stop its work, its next attempt logs a new token in the Worker's log", desc),
	}
}
