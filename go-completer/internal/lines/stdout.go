package lines

import "fmt"

// The rows of a standard output that cannot be written (closed early, as by
// `| head -1`): exit 1 unless a batch job's code is larger. reason is the OS's
// words ("broken pipe" for a closed pipe).

// StdoutFailedAfterRequest: a single request succeeded, but its line could
// not be written.
func StdoutFailedAfterRequest(reason string) *Failure {
	return Other(fmt.Errorf("could not write to standard output (%s): the request was sent and succeeded", reason))
}

// StdoutFailedInBatch: a batch sent every job but could not write the lines
// of unwritten of them; sent counts the jobs sent (every job line but the
// malformed ones), succeeded the ok ones, maxCode is the largest job code.
func StdoutFailedInBatch(reason string, sent, succeeded, unwritten, maxCode int) *Failure {
	return &Failure{
		Code: max(maxCode, ExitFailure),
		Message: fmt.Sprintf("could not write to standard output (%s): all %d jobs were sent, %d succeeded; the lines of %d jobs were not written",
			reason, sent, succeeded, unwritten),
	}
}

// StdoutFailedInList: list stops at the first line it cannot write.
func StdoutFailedInList(reason string) *Failure {
	return Other(fmt.Errorf("could not write to standard output (%s): the listing stopped", reason))
}

// StdoutFailed: inspect's JSON or the help could not be written. The page has
// no row for them (no request is sent); the line says what it can.
func StdoutFailed(reason string) *Failure {
	return Other(fmt.Errorf("could not write to standard output (%s)", reason))
}
