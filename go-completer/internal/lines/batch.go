package lines

import (
	"fmt"
	"strconv"

	"github.com/async-completion/go-completer/internal/jsontext"
)

// NotAJob is the message of a batch line that is neither a hex token nor a
// JSON job. detail is this completer's own words (the page fixes the text up
// to the colon).
func NotAJob(detail string) *Failure {
	return usage("the line is not a hex task token or a JSON job: " + detail)
}

// outcomeName is the batch line's word for an exit code.
func outcomeName(code int) string {
	switch code {
	case ExitOK:
		return "ok"
	case ExitUsage:
		return "malformed"
	case ExitRefused:
		return "refused"
	case ExitUnreachable:
		return "unreachable"
	}
	return "error"
}

// AppendJobLine appends the JSON line of a job's outcome, with its newline,
// byte for byte as Python's json.dumps(..., ensure_ascii=False,
// separators=(",", ":")) writes it. message is the single-job line of the same
// case without "error: "; already marks a request answered as already done
// ("already":true after the message).
func AppendJobLine(dst []byte, line, code int, message string, already bool) []byte {
	dst = append(dst, `{"line":`...)
	dst = strconv.AppendInt(dst, int64(line), 10)
	dst = append(dst, `,"outcome":"`...)
	dst = append(dst, outcomeName(code)...)
	dst = append(dst, `","code":`...)
	dst = strconv.AppendInt(dst, int64(code), 10)
	dst = append(dst, `,"message":`...)
	dst = jsontext.AppendString(dst, message)
	return appendAlready(dst, already)
}

// appendAlready ends a JSON outcome, with `"already":true` for a request
// answered as already done.
func appendAlready(dst []byte, already bool) []byte {
	if already {
		dst = append(dst, `,"already":true`...)
	}
	return append(dst, '}', '\n')
}

// Progress is the progress line of a batch, written over itself while
// standard error is a terminal.
func Progress(done, total int) string {
	return fmt.Sprintf("\r%d/%d jobs", done, total)
}

// JobCounts counts a batch's jobs by outcome.
type JobCounts struct {
	Total, OK, Refused, Malformed, Unreachable int
	// MaxCode is the largest exit code among the jobs.
	MaxCode int
}

// BatchSummary is nil when every job was ok, else the line that counts the
// jobs that were not, with the largest exit code among them.
func BatchSummary(c JobCounts) *Failure {
	failed := c.Total - c.OK
	if failed == 0 {
		return nil
	}
	other := failed - c.Refused - c.Malformed - c.Unreachable
	return &Failure{
		Code: c.MaxCode,
		Message: fmt.Sprintf("%d of %d jobs did not succeed (%d refused, %d malformed, %d unreachable, %d other errors); see the JSON lines on standard output",
			failed, c.Total, c.Refused, c.Malformed, c.Unreachable, other),
	}
}
