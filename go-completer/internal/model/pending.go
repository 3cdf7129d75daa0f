package model

import "time"

// PendingActivity is one pending Activity, with what list shows of it. A nil pointer
// is a value the server does not give (null in JSON).
type PendingActivity struct {
	WorkflowID      string
	RunID           string
	ActivityID      string
	ActivityType    string
	Attempt         int32
	MaximumAttempts int32
	// State is the server's PendingActivityState in lower case without its
	// prefix: scheduled, started, cancel_requested, paused, pause_requested.
	State             string
	WaitingSince      *time.Time
	LastHeartbeatTime *time.Time
	HeartbeatDetails  *string
	LastFailure       *string
	// NextAttemptTime is when the next attempt is due while a retry waits
	// for its backoff.
	NextAttemptTime *time.Time
	// PausedBy and PauseReason say who paused the Activity and why.
	PausedBy    *string
	PauseReason *string
	// Standalone: started without a Workflow (WorkflowID is "", null in
	// JSON); RunID is its own run.
	Standalone bool
	// Asked is what the Activity asks (history.ReadAsked), nil when the history
	// was not read (list --no-input) or holds no scheduled event for it.
	Asked *Asked
}

// Asked is what a pending Activity was asked to do, from its scheduled event.
type Asked struct {
	// Input holds one compact JSON text per argument, as the input key writes
	// it (docs/completer-cli.md).
	Input []string
	// Summary is the Workflow's summary of the Activity as text, or nil.
	Summary *string
}
