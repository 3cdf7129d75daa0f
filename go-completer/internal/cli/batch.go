package cli

import (
	"context"
	"flag"

	"github.com/async-completion/go-completer/internal/batch"
	"github.com/async-completion/go-completer/internal/identity"
	"github.com/async-completion/go-completer/internal/lines"
	"github.com/async-completion/go-completer/internal/model"
	"github.com/async-completion/go-completer/internal/send"
	"github.com/async-completion/go-completer/internal/telemetry"
)

// batchOptions are the options of a verb that takes --batch.
func (c *command) batchOptions(fs *flag.FlagSet) {
	fs.Var(&c.batch, "batch", "a file of jobs, one per line; - reads standard input")
	fs.StringVar(&c.concurrencyText, "concurrency", DefaultConcurrency, "requests in flight at most, with --batch")
	fs.Var(&c.metricsFile, "metrics-file", "with --batch: write its counters there at the end")
}

// runBatch runs `complete --batch` or `fail --batch`: it checks every line,
// connects once, and sends the jobs with at most --concurrency in flight. Its
// error is the summary line when a job did not succeed.
func (r *runner) runBatch(cmd *command) error {
	data, err := batch.Read(cmd.batch.value, r.stdin)
	if err != nil {
		return err
	}
	if cmd.resultFile.set {
		if cmd.result, err = readResultFile(cmd.resultFile.value); err != nil {
			return err
		}
	}
	if cmd.verb == verbComplete {
		if err := send.CheckPayloadSize("result", cmd.result); err != nil {
			return err
		}
	}

	jobs, malformed := batch.Parse(data, func(number int, text string) (job, error) {
		j, err := parseJobLine(number, text, cmd)
		j.identity = cliIdentity(&j.cmd)
		return j, err
	})
	if cmd.metricsFile.set {
		telemetry.UseMetrics(telemetry.NewBatchMetrics())
	}
	out := batch.NewOutput(r.stdout, r.stderr, r.progress, len(jobs)+len(malformed))
	for _, o := range malformed {
		out.Add(o)
	}
	if len(jobs) > 0 {
		if err := r.sendBatch(cmd, jobs, out); err != nil {
			out.Finish()
			return err
		}
	}
	out.Finish()
	summary := out.Summary(len(jobs))
	if cmd.metricsFile.set {
		// The batch's summary, when there is one, is the one error line.
		counts, already := out.Counts()
		if err := telemetry.Current().WriteBatch(cmd.metricsFile.value, cmd.verb, counts, already); err != nil && summary == nil {
			summary = lines.MetricsFileFailed(cmd.metricsFile.value, lines.OSReason(err))
		}
	}
	return summary
}

// parseJobLine makes a job of one trimmed, non-blank line, checked in the
// order a single command is: the Activity, the reason, the token, the payload
// size. serve parses a request's body with it too, as a job of any verb.
func parseJobLine(number int, text string, base *command) (job, error) {
	j := job{line: number, cmd: *base}
	c := &j.cmd
	c.batch = optionalText{}
	resultGiven := false
	if text[0] == '{' {
		fields, err := batch.ParseJSON(text, c.verb)
		if err != nil {
			return job{}, err
		}
		if fields.TaskToken != nil {
			c.taskToken = optionalText{value: *fields.TaskToken, set: true}
		}
		c.workflowID, c.activityID, c.runID = fields.WorkflowID, fields.ActivityID, fields.RunID
		if fields.Result != nil {
			c.result, resultGiven = *fields.Result, true
		}
		if fields.Reason != nil {
			c.reason = *fields.Reason
		}
		if fields.Retryable != nil {
			c.retryable = *fields.Retryable
		}
		if fields.Details != nil {
			c.details = optionalText{value: *fields.Details, set: true}
		}
		if fields.Identity != nil {
			c.identity = optionalText{value: *fields.Identity, set: true}
		}
		if fields.IdempotencyKey != nil {
			c.idempotencyKey = optionalText{value: *fields.IdempotencyKey, set: true}
		}
	} else {
		c.taskToken = optionalText{value: text, set: true}
	}

	if err := c.checkTarget(); err != nil {
		return job{}, err
	}
	if c.verb == verbFail && c.reason == "" {
		return job{}, lines.FailNeedsReason()
	}
	if c.identity.set && !identity.Valid(c.identity.value) {
		return job{}, lines.JobBadIdentity()
	}
	if c.idempotencyKey.set && !identity.ValidKey(c.idempotencyKey.value) {
		return job{}, lines.JobBadIdempotencyKey()
	}
	if c.taskToken.set {
		token, err := parseToken(c.taskToken.value)
		if err != nil {
			return job{}, err
		}
		j.token = token
	}
	// The batch's own --result was checked once, before the lines.
	if resultGiven {
		if err := send.CheckPayloadSize("result", c.result); err != nil {
			return job{}, err
		}
	}
	if c.details.set {
		if err := send.CheckPayloadSize("details", c.details.value); err != nil {
			return job{}, err
		}
	}
	j.desc = describe(c, j.token)
	return j, nil
}

// sendBatch connects once and sends every job on that one client. Its error is
// a failure to connect: then no job was sent.
func (r *runner) sendBatch(cmd *command, jobs []job, out *batch.Output) error {
	dialCtx, cancel := context.WithTimeout(context.Background(), cmd.rpcTimeout)
	defer cancel()
	c, server, err := r.connect(dialCtx, cmd)
	if err != nil {
		return err
	}
	defer c.Close()
	svc := c.WorkflowService()
	batch.Run(jobs, cmd.concurrency, func(j *job) model.Outcome {
		return sendJob(svc, j, server)
	}, out)
	return nil
}

// sendJob sends one job, bounded by --rpc-timeout, and says what became of it.
func sendJob(svc send.Service, j *job, server send.Server) (outcome model.Outcome) {
	outcome.Line = j.line
	// A bug in one job must not end the others, nor the program without its
	// lines.
	defer func() {
		if recovered := recover(); recovered != nil {
			failure := lines.InternalError(recovered)
			outcome.Code, outcome.Message = failure.Code, failure.Message
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), j.cmd.rpcTimeout)
	defer cancel()
	done, err := send.Send(ctx, svc, server, j.request())
	if err != nil {
		failure := lines.AsFailure(err)
		outcome.Code, outcome.Message = failure.Code, failure.Message
		return outcome
	}
	outcome.Message, outcome.Already = done.Message, done.Already
	return outcome
}
