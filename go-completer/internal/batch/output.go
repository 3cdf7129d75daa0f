package batch

import (
	"io"
	"sync"

	"github.com/async-completion/go-completer/internal/lines"
	"github.com/async-completion/go-completer/internal/model"
)

// Output writes the batch's JSON lines as jobs finish, one whole line at a
// time whichever goroutine finished the job, and counts the outcomes.
//
// When standard output cannot be written (closed early, as by `| head -1`),
// it stops writing there but goes on counting: every job is still sent, since
// each line of the input is a request the user made, and stopping halfway
// would leave nobody able to tell which were sent.
type Output struct {
	mu       sync.Mutex
	stdout   io.Writer
	stderr   io.Writer
	progress bool
	buf      []byte
	done     int
	written  int
	counts   lines.JobCounts
	// already counts the jobs answered as already done (in counts.OK too).
	already int
	// err is the first error writing to stdout; after it nothing is written.
	err error
}

// NewOutput writes to stdout; progress says whether to show the progress on
// stderr (only while it is a terminal). total is the number of lines to come.
func NewOutput(stdout, stderr io.Writer, progress bool, total int) *Output {
	return &Output{stdout: stdout, stderr: stderr, progress: progress, counts: lines.JobCounts{Total: total}}
}

// Add writes the line of one finished job.
func (o *Output) Add(outcome model.Outcome) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.done++
	switch outcome.Code {
	case lines.ExitOK:
		o.counts.OK++
	case lines.ExitRefused:
		o.counts.Refused++
	case lines.ExitUsage:
		o.counts.Malformed++
	case lines.ExitUnreachable:
		o.counts.Unreachable++
	}
	o.counts.MaxCode = max(o.counts.MaxCode, outcome.Code)
	if outcome.Already {
		o.already++
	}
	if o.err == nil {
		o.buf = lines.AppendJobLine(o.buf[:0], outcome.Line, outcome.Code, outcome.Message, outcome.Already)
		if _, err := o.stdout.Write(o.buf); err != nil {
			o.err = err
		} else {
			o.written++
		}
	}
	if o.progress {
		io.WriteString(o.stderr, lines.Progress(o.done, o.counts.Total))
	}
}

// Finish ends the progress line, so that what follows starts a line of its own.
func (o *Output) Finish() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.progress && o.done > 0 {
		io.WriteString(o.stderr, "\n")
	}
}

// Summary is nil when every job succeeded and every line was written, or else
// the failure that says what did not; sent is the number of jobs sent.
func (o *Output) Summary(sent int) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err != nil {
		return lines.StdoutFailedInBatch(lines.OSReason(o.err), sent, o.counts.OK, o.counts.Total-o.written, o.counts.MaxCode)
	}
	if failure := lines.BatchSummary(o.counts); failure != nil {
		return failure
	}
	return nil
}

// Counts are the outcomes counted so far, and how many of the jobs done were
// answered as already done.
func (o *Output) Counts() (lines.JobCounts, int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.counts, o.already
}
