package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/async-completion/go-completer/internal/jsontext"
	"github.com/async-completion/go-completer/internal/tasktoken"
)

// notAJobPrefix starts the message of a line that is neither a hex token nor
// a JSON job; what follows it is this completer's own detail.
const notAJobPrefix = "the line is not a hex task token or a JSON job: "

// batchJob is one line of a batch that can be sent.
type batchJob struct {
	line int
	// cmd is the batch's command with this job's Activity and values.
	cmd   command
	token *tasktoken.Token
	desc  string
	// workflowID is the Activity's Workflow, for the messages of a refusal.
	workflowID string
}

// jobOutcome is what became of one job: its exit code and its message, the
// single-job line of the same case without "error: ".
type jobOutcome struct {
	line    int
	code    int
	message string
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

// appendJobLine appends the JSON line of an outcome, with its newline, byte
// for byte as Python's json.dumps(..., ensure_ascii=False,
// separators=(",", ":")) writes it.
func appendJobLine(dst []byte, o jobOutcome) []byte {
	dst = append(dst, `{"line":`...)
	dst = strconv.AppendInt(dst, int64(o.line), 10)
	dst = append(dst, `,"outcome":"`...)
	dst = append(dst, outcomeName(o.code)...)
	dst = append(dst, `","code":`...)
	dst = strconv.AppendInt(dst, int64(o.code), 10)
	dst = append(dst, `,"message":`...)
	dst = jsontext.AppendString(dst, o.message)
	return append(dst, '}', '\n')
}

// parseBatch reads the lines of a batch file: the jobs to send, and the
// outcomes of the lines that cannot be sent (malformed), both in line order.
// Blank lines and comment lines (first non-blank character #) are neither.
// Lines end at "\n"; white space around a line, a "\r" included, is trimmed.
func parseBatch(data []byte, base *command) (jobs []batchJob, malformed []jobOutcome) {
	line := 0
	for len(data) > 0 {
		line++
		raw := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			raw, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if !utf8.Valid(raw) {
			malformed = append(malformed, jobOutcome{line, ExitUsage, notAJobPrefix + "it is not UTF-8 text"})
			continue
		}
		text := strings.TrimSpace(string(raw))
		if text == "" || text[0] == '#' {
			continue
		}
		job, err := parseJobLine(text, base)
		if err != nil {
			exitErr := &ExitError{Code: ExitFailure, Message: oneLine(err.Error())}
			errors.As(err, &exitErr)
			malformed = append(malformed, jobOutcome{line, exitErr.Code, exitErr.Message})
			continue
		}
		job.line = line
		jobs = append(jobs, job)
	}
	return jobs, malformed
}

// parseJobLine reads one trimmed, non-blank job line, in the order a single
// command is checked: the Activity, the reason, the token, the payload size.
func parseJobLine(text string, base *command) (batchJob, error) {
	job := batchJob{cmd: *base}
	c := &job.cmd
	c.batch = optionalText{}
	resultGiven := false
	if text[0] == '{' {
		var err error
		if resultGiven, err = parseJSONJob(text, c); err != nil {
			return batchJob{}, err
		}
	} else {
		c.taskToken = optionalText{value: text, set: true}
	}

	if err := c.checkTarget(); err != nil {
		return batchJob{}, err
	}
	if c.verb == verbFail && c.reason == "" {
		return batchJob{}, usageError(msgFailNeedsReason)
	}
	if c.taskToken.set {
		token, err := tasktoken.Parse(c.taskToken.value)
		if err != nil {
			return batchJob{}, usageError(err.Error())
		}
		job.token = token
	}
	// The batch's own --result was checked once, before the lines.
	if resultGiven {
		if err := checkPayloadSize("result", c.result); err != nil {
			return batchJob{}, err
		}
	}
	job.desc, job.workflowID = describe(c, job.token)
	return job, nil
}

// parseJSONJob reads a JSON job into c. It reports whether the job gave its
// own result.
func parseJSONJob(text string, c *command) (resultGiven bool, err error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal([]byte(text), &fields); err != nil {
		return false, usageError(notAJobPrefix + oneLine(err.Error()))
	}
	known := []string{"tasktoken", "workflow_id", "activity_id", "run_id"}
	if c.verb == verbComplete {
		known = append(known, "result")
	} else {
		known = append(known, "reason", "retryable")
	}
	// Sorted, so that a line with several faults always reports the same one.
	keys := make([]string, 0, len(fields))
	for key := range fields {
		keys = append(keys, key)
	}
	slices.Sort(keys)
	for _, key := range keys {
		if !slices.Contains(known, key) {
			return false, usageError(fmt.Sprintf("%sunknown key \"%s\" (%s takes %s)", notAJobPrefix, key, c.verb, strings.Join(known, ", ")))
		}
	}
	for _, key := range keys {
		raw := bytes.TrimSpace(fields[key])
		if key == "retryable" {
			switch string(raw) {
			case "true":
				c.retryable = true
			case "false":
				c.retryable = false
			default:
				return false, usageError(notAJobPrefix + "\"retryable\" must be true or false")
			}
			continue
		}
		var value string
		if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &value) != nil {
			return false, usageError(fmt.Sprintf("%s\"%s\" must be a text", notAJobPrefix, key))
		}
		switch key {
		case "tasktoken":
			c.taskToken = optionalText{value: value, set: true}
		case "workflow_id":
			c.workflowID = value
		case "activity_id":
			c.activityID = value
		case "run_id":
			c.runID = value
		case "result":
			c.result = value
			resultGiven = true
		case "reason":
			c.reason = value
		}
	}
	return resultGiven, nil
}

// runBatch runs `complete --batch` or `fail --batch`: it checks every line,
// connects once, and sends the jobs with at most --concurrency in flight. Its
// error is the summary line when a job did not succeed.
func (r *runner) runBatch(cmd *command) error {
	data, err := readBatchFile(cmd.batch.value, r.stdin)
	if err != nil {
		return err
	}
	if cmd.resultFile.set {
		if cmd.result, err = readResultFile(cmd.resultFile.value); err != nil {
			return err
		}
	}
	if cmd.verb == verbComplete {
		if err := checkPayloadSize("result", cmd.result); err != nil {
			return err
		}
	}

	jobs, malformed := parseBatch(data, cmd)
	out := newBatchOutput(r.stdout, r.stderr, r.progress, len(jobs)+len(malformed))
	for _, o := range malformed {
		out.add(o)
	}
	if len(jobs) > 0 {
		if err := r.sendBatch(cmd, jobs, out); err != nil {
			out.finish()
			return err
		}
	}
	out.finish()
	return out.summary()
}

// readBatchFile reads the whole batch: FILE, or standard input for -.
func readBatchFile(path string, stdin io.Reader) ([]byte, error) {
	var data []byte
	var err error
	if path == "-" {
		data, err = io.ReadAll(stdin)
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, usageError(fmt.Sprintf("cannot read the batch file \"%s\": %s", path, osReason(err)))
	}
	return data, nil
}

// sendBatch connects once and sends every job on that one client. Its error is
// a failure to connect: then no job was sent.
func (r *runner) sendBatch(cmd *command, jobs []batchJob, out *batchOutput) error {
	options, err := clientOptions(cmd)
	if err != nil {
		return err
	}
	base := newRequest(cmd, options)

	dialCtx, cancel := context.WithTimeout(context.Background(), cmd.rpcTimeout)
	defer cancel()
	c, err := r.dial(dialCtx, options)
	if err != nil {
		return mapDialError(err, dialCtx.Err(), base)
	}
	defer c.Close()

	queue := make(chan *batchJob)
	var wg sync.WaitGroup
	for range min(cmd.concurrency, len(jobs)) {
		wg.Go(func() {
			for job := range queue {
				out.add(sendJob(c, job, base, options.Namespace))
			}
		})
	}
	for i := range jobs {
		queue <- &jobs[i]
	}
	close(queue)
	wg.Wait()
	return nil
}

// sendJob sends one job, bounded by --rpc-timeout, and says what became of it.
func sendJob(c activityClient, job *batchJob, base request, namespace string) (outcome jobOutcome) {
	outcome.line = job.line
	// A bug in one job must not end the others, nor the program without its
	// lines.
	defer func() {
		if recovered := recover(); recovered != nil {
			outcome.code = ExitFailure
			outcome.message = oneLine(fmt.Sprintf("internal error: %v", recovered))
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), job.cmd.rpcTimeout)
	defer cancel()
	if err := send(ctx, c, &job.cmd, job.token, namespace); err != nil {
		req := base
		req.desc = job.desc
		req.workflowID = job.workflowID
		exitErr := mapRequestError(err, ctx.Err(), req)
		outcome.code = exitErr.Code
		outcome.message = exitErr.Message
		return outcome
	}
	outcome.message = successLine(&job.cmd, job.desc)
	return outcome
}

// batchOutput writes the batch's JSON lines as jobs finish, one whole line at
// a time whichever goroutine finished the job, and counts the outcomes.
type batchOutput struct {
	mu       sync.Mutex
	stdout   io.Writer
	stderr   io.Writer
	progress bool
	buf      []byte
	total    int
	done     int
	// counts[code] is how many jobs ended with that exit code.
	counts  map[int]int
	maxCode int
	err     error
}

func newBatchOutput(stdout, stderr io.Writer, progress bool, total int) *batchOutput {
	return &batchOutput{stdout: stdout, stderr: stderr, progress: progress, total: total, counts: map[int]int{}}
}

// add writes the line of one finished job.
func (b *batchOutput) add(o jobOutcome) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done++
	b.counts[o.code]++
	b.maxCode = max(b.maxCode, o.code)
	b.buf = appendJobLine(b.buf[:0], o)
	if _, err := b.stdout.Write(b.buf); err != nil && b.err == nil {
		b.err = err
	}
	if b.progress {
		fmt.Fprintf(b.stderr, "\r%d/%d jobs", b.done, b.total)
	}
}

// finish ends the progress line, so that what follows starts a line of its own.
func (b *batchOutput) finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.progress && b.done > 0 {
		fmt.Fprint(b.stderr, "\n")
	}
}

// summary is nil when every job succeeded, or else the error line that counts
// the jobs that did not, with the largest exit code among them.
func (b *batchOutput) summary() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err != nil {
		return fmt.Errorf("could not write the results to standard output: %w", b.err)
	}
	failed := b.total - b.counts[ExitOK]
	if failed == 0 {
		return nil
	}
	refused, malformed, unreachable := b.counts[ExitRefused], b.counts[ExitUsage], b.counts[ExitUnreachable]
	other := failed - refused - malformed - unreachable
	return &ExitError{
		Code: b.maxCode,
		Message: fmt.Sprintf("%d of %d jobs did not succeed (%d refused, %d malformed, %d unreachable, %d other errors); see the JSON lines on standard output",
			failed, b.total, refused, malformed, unreachable, other),
	}
}
