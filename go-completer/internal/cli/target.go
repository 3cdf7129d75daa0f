package cli

import (
	"bufio"
	"errors"
	"io"

	"github.com/async-completion/go-completer/internal/lines"
	"github.com/async-completion/go-completer/internal/model"
	"github.com/async-completion/go-completer/internal/tasktoken"
)

// checkTarget checks that the command names one Activity: by token, or by
// Workflow ID and Activity ID; or, with --batch, none.
func (c *command) checkTarget() error {
	hasToken := c.taskToken.set
	hasWorkflowID := c.workflowID != ""
	hasOtherID := c.activityID != "" || c.runID != ""
	if c.batch.set {
		if hasToken || hasWorkflowID || hasOtherID {
			return lines.BatchAndTarget()
		}
		return nil
	}
	switch {
	case c.verb == verbInspect && !hasToken:
		return lines.InspectNeedsToken()
	case !hasToken && !hasWorkflowID && !hasOtherID:
		return lines.NoActivity()
	case hasToken && (hasWorkflowID || hasOtherID):
		return lines.TokenAndIDs()
	case hasWorkflowID && c.activityID == "":
		return lines.WorkflowIDAlone()
	case !hasToken && c.activityID == "":
		return lines.RunIDAlone()
	}
	return nil
}

// byIDs reports whether the command addresses the Activity by its IDs rather
// than by a token.
func (c *command) byIDs() bool {
	return !c.taskToken.set
}

// parseToken checks a token; its error is a usage failure with the token's line.
func parseToken(text string) (*tasktoken.Token, error) {
	token, err := tasktoken.Parse(text)
	if err != nil {
		return nil, &lines.Failure{Code: lines.ExitUsage, Message: err.Error()}
	}
	return token, nil
}

// tokenText is the command's token text: --tasktoken's value, or for "-" the
// first line of standard input, so that the token never shows in the process
// list.
func tokenText(c *command, stdin io.Reader) (string, error) {
	if c.taskToken.value != "-" {
		return c.taskToken.value, nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", lines.TokenNotRead(err)
	}
	return line, nil
}

// describe names the Activity a command is for.
func describe(c *command, token *tasktoken.Token) string {
	if token != nil {
		return token.Describe()
	}
	return lines.DescribeIDs(c.activityID, c.workflowID)
}

// job is one request of the command line about one Activity: a command's
// values with the Activity it names, by token or by IDs.
type job struct {
	// line is the job's line in a batch.
	line  int
	cmd   command
	token *tasktoken.Token
	desc  string
	// identity is what the request records as who acted.
	identity string
}

// request is the job as package send sends it.
func (j *job) request() *model.Job {
	c := &j.cmd
	r := &model.Job{
		Line:      j.line,
		Verb:      c.verb,
		Target:    model.Target{WorkflowID: c.workflowID, RunID: c.runID, ActivityID: c.activityID},
		Result:    c.result,
		Reason:    c.reason,
		Retryable: c.retryable,
		Identity:  j.identity,
		Key:       c.idempotencyKey.value,
		Desc:      j.desc,
	}
	if c.details.set {
		details := c.details.value
		r.Details = &details
	}
	if j.token != nil {
		task := j.token.Task
		r.Token = j.token.Bytes
		runID := task.GetRunId()
		if ref := tasktoken.StandaloneRef(task); ref != nil {
			runID = ref.GetRunId()
		}
		r.Target = model.Target{
			WorkflowID:       task.GetWorkflowId(),
			RunID:            runID,
			ActivityID:       task.GetActivityId(),
			ScheduledEventID: task.GetScheduledEventId(),
			Attempt:          task.GetAttempt(),
		}
	}
	return r
}
