package lines

import (
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/async-completion/go-completer/internal/model"
)

// The words of "When the server answers 'not pending any more'"
// (docs/completer-cli.md): a request answered as already done, or a refusal
// that says what closed the Activity, read from its Workflow's model.

// notPendingGeneric is the REASON of a refusal whose history was not read.
const notPendingGeneric = "it was completed, failed, timed out or retried, or its Workflow closed; a retry logs a new token in the Worker's log"

// NotPending: the server does not know the Activity (any more), and its
// history has not been read.
func NotPending(desc string) *Failure {
	return NotPendingBecause(desc, notPendingGeneric)
}

// NotPendingBecause: the server does not know the Activity any more, for
// reason (ClosedReason).
func NotPendingBecause(desc, reason string) *Failure {
	return refused(fmt.Sprintf("%s is not pending any more: %s", desc, reason))
}

// HistoryUnreadable: the refusal stands, and its history could not be read
// (message is why).
func HistoryUnreadable(desc, message string) *Failure {
	return NotPendingBecause(desc, fmt.Sprintf("%s (its history could not be read: %s)", notPendingGeneric, OneLine(message)))
}

// HistoryDoesNotSay: the refusal stands, and its history shows nothing that
// explains it.
func HistoryDoesNotSay(desc string) *Failure {
	return NotPendingBecause(desc, notPendingGeneric+" (its history does not say)")
}

// RecordDoesNotSay: the refusal of a standalone Activity stands, and its
// record shows nothing that explains it.
func RecordDoesNotSay(desc string) *Failure {
	return NotPendingBecause(desc, "it was completed, failed, cancelled, terminated, timed out or retried (its record does not say)")
}

// AlreadyDone is the success line of a request that repeats what closed the
// Activity.
func AlreadyDone(desc string, c *model.Closing) string {
	verbed := map[model.Kind]string{model.Completed: "completed", model.Failed: "failed", model.Canceled: "reported as cancelled"}[c.Kind]
	return fmt.Sprintf("Already done: %s was %s at %s by %s", desc, verbed, eventTime(c.Time), identityOf(c.Identity))
}

// ClosedReason is the REASON of a refusal for what the history found, or
// false when it found nothing that explains it. attempt is the token's (or
// the link's), 0 for a request by IDs; namespace the one the completer used.
func ClosedReason(f model.Finding, attempt int32, namespace string) (string, bool) {
	if f.NoRun && f.Standalone {
		return fmt.Sprintf("no such standalone Activity in namespace \"%s\"", namespace), true
	}
	if f.NoRun {
		return fmt.Sprintf("no such Workflow run in namespace \"%s\"", namespace), true
	}
	if f.Closing != nil {
		if clause, ok := closedClause(f.Closing); ok {
			if attempt != 0 && f.Closing.Attempt != 0 && f.Closing.Attempt != attempt {
				return fmt.Sprintf("attempt %d was retried: attempt %d %s", attempt, f.Closing.Attempt, clause), true
			}
			return "it " + clause, true
		}
	} else if attempt != 0 && f.PendingAttempt != 0 && f.PendingAttempt != attempt {
		return RetriedAndPending(int64(attempt), int64(f.PendingAttempt)), true
	}
	if f.WorkflowClosed != nil {
		return fmt.Sprintf("its Workflow was %s at %s", workflowStatus(f.WorkflowClosed.Status), eventTime(f.WorkflowClosed.Time)), true
	}
	return "", false
}

// closedClause says what closed the Activity, without its subject; false for
// a timeout of a kind the contract does not name.
func closedClause(c *model.Closing) (string, bool) {
	at := eventTime(c.Time)
	switch c.Kind {
	case model.Completed:
		return fmt.Sprintf("was completed at %s by %s", at, identityOf(c.Identity)), true
	case model.Failed:
		return fmt.Sprintf("failed at %s: %s (reported by %s)", at, OneLine(c.Failure.GetMessage()), identityOf(c.Identity)), true
	case model.TimedOut:
		kind, ok := timeoutKinds[c.TimeoutType()]
		return fmt.Sprintf("timed out at %s (its %s timeout)", at, kind), ok
	case model.Terminated:
		if reason := OneLine(c.Failure.GetMessage()); reason != "" {
			return fmt.Sprintf("was terminated at %s: %s", at, reason), true
		}
		return "was terminated at " + at, true
	}
	return fmt.Sprintf("was reported as cancelled at %s by %s", at, identityOf(c.Identity)), true
}

var timeoutKinds = map[enumspb.TimeoutType]string{
	enumspb.TIMEOUT_TYPE_START_TO_CLOSE:    "start-to-close",
	enumspb.TIMEOUT_TYPE_SCHEDULE_TO_START: "schedule-to-start",
	enumspb.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE: "schedule-to-close",
	enumspb.TIMEOUT_TYPE_HEARTBEAT:         "heartbeat",
}

func workflowStatus(status enumspb.WorkflowExecutionStatus) string {
	switch status {
	case enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED:
		return "completed"
	case enumspb.WORKFLOW_EXECUTION_STATUS_FAILED:
		return "failed"
	case enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED:
		return "terminated"
	case enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED:
		return "cancelled"
	case enumspb.WORKFLOW_EXECUTION_STATUS_TIMED_OUT:
		return "timed out"
	case enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW:
		return "continued as new"
	}
	return "closed"
}

// identityOf is an event's identity as a line names it.
func identityOf(identity string) string {
	if identity == "" {
		return "an unnamed client"
	}
	return identity
}

// eventTime is an event's time as every line writes a time: RFC 3339 in UTC,
// trailing zeros of the fraction dropped.
func eventTime(t time.Time) string {
	return t.UTC().Format(time.RFC3339Nano)
}
