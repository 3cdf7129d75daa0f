// Package model holds the plain data types that the completer's layers hand
// each other: the Activity a request is about, what closed it, a pending
// Activity, a job's outcome. It holds no behaviour beyond reading its own
// fields, and imports nothing of the project: every layer may use it.
package model

// Target is the Activity a request is about: by a task token's fields, or by
// IDs.
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
