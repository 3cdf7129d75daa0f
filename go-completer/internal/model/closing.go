package model

import (
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
)

// Kind is what closed an Activity.
type Kind int

// The events that close an Activity.
const (
	Completed Kind = iota + 1
	Failed
	TimedOut
	Canceled
	// Terminated closes a standalone Activity only (its record says so).
	Terminated
)

// Closing is the event that closed the Activity.
type Closing struct {
	Kind     Kind
	Time     time.Time
	Identity string
	// Attempt is the attempt that closed (from its started event), 0 when
	// the history does not say (it never started).
	Attempt int32
	// Result is a completion's, Details a cancellation's.
	Result  *commonpb.Payloads
	Details *commonpb.Payloads
	// Failure is a failure's, or a timeout's.
	Failure *failurepb.Failure
}

// TimeoutType is the kind of a timeout's timeout.
func (c *Closing) TimeoutType() enumspb.TimeoutType {
	for f := c.Failure; f != nil; f = f.GetCause() {
		if info := f.GetTimeoutFailureInfo(); info != nil {
			return info.GetTimeoutType()
		}
	}
	return enumspb.TIMEOUT_TYPE_UNSPECIFIED
}

// WorkflowClose is the event that closed the Workflow run.
type WorkflowClose struct {
	// Status is the run's status: completed, failed, ..., continued as new.
	Status enumspb.WorkflowExecutionStatus
	Time   time.Time
}

// Finding is what the history says of the Activity; nothing set when it does
// not say.
type Finding struct {
	// Standalone: read from a standalone Activity's own record, not from a
	// Workflow's history.
	Standalone bool
	// NoRun: the Workflow run (the standalone Activity) does not exist.
	NoRun bool
	// Closing is the event that closed the Activity.
	Closing *Closing
	// WorkflowClosed is the event that closed the Workflow run.
	WorkflowClosed *WorkflowClose
	// Open: the Activity's schedule is in the history, and neither it nor
	// its Workflow closed. A retry writes no event until an attempt closes
	// the Activity, so only a describe tells the attempt pending now.
	Open bool
	// PendingAttempt is the attempt pending now, found by a describe after
	// the history, when the Activity is pending at another attempt than the
	// target's (it was retried).
	PendingAttempt int32
}
