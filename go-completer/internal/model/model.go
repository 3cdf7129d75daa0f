// Package model holds the plain data types that the completer's layers hand
// each other: the Activity a request is about, what closed it, a pending
// Activity, a job's outcome. It holds no behaviour beyond reading its own
// fields, and imports nothing of the project: every layer may use it.
package model

// Target is the Activity a request is about: by a task token's fields, or by
// IDs. An empty WorkflowID is a standalone Activity (started without a
// Workflow), whose RunID is its own run.
type Target struct {
	WorkflowID string
	// RunID is the token's run, or --run-id; empty means the latest run.
	RunID      string
	ActivityID string
	// ScheduledEventID and Attempt come from a task token (Attempt from a
	// signed link too); both are 0 for a request by IDs, which is about the
	// last Activity scheduled with ActivityID, whatever its attempt.
	ScheduledEventID int64
	Attempt          int32
}

// Outcome is what became of one job: the exit code the CLI gives for the
// case, and its line without "error: " (the success line for code 0).
type Outcome struct {
	// Line is the job's line in a batch, 0 elsewhere.
	Line    int
	Code    int
	Message string
	// Already marks a request that repeated what closed its Activity: done,
	// and answered with "already":true.
	Already bool
	// TooLarge marks a job whose result or details are larger than the
	// Temporal server accepts: serve answers 413 rather than 400.
	TooLarge bool
}

// Job is one request about one Activity, checked and ready to send: by a
// task token, or by IDs.
type Job struct {
	// Line is the job's line in a batch, 0 elsewhere.
	Line int
	// Verb is complete, fail, heartbeat or cancel.
	Verb string
	// Token is the task token's bytes, nil for a job by IDs.
	Token []byte
	// Target is the Activity: the token's fields, or the IDs (with a signed
	// link's attempt).
	Target Target
	// Result is complete's; Reason and Retryable fail's; Details
	// heartbeat's and cancel's, nil for none.
	Result    string
	Reason    string
	Retryable bool
	Details   *string
	// Identity is what the request records as who acted, and Key its
	// idempotency key (empty for none), which Identity carries.
	Identity string
	Key      string
	// Desc names the Activity in every line about the job.
	Desc string
}
