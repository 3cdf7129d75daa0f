package batch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/async-completion/go-completer/internal/lines"
)

// Fields are the keys of a JSON job. A nil pointer is a key the job left out,
// to be taken from the command line.
type Fields struct {
	TaskToken  *string
	WorkflowID string
	ActivityID string
	RunID      string
	Result     *string
	Reason     *string
	Retryable  *bool
	// Details are heartbeat's and cancel's (jobs that serve answers).
	Details *string
	// Identity names who acted; IdempotencyKey tells a repeat of the request.
	Identity       *string
	IdempotencyKey *string
}

// listKeys are the keys of a `list --json` line that are no job keys: a job
// accepts them with any value and ignores them, so that listed lines can be
// piped into a batch as they are.
var listKeys = []string{"activity_type", "attempt", "maximum_attempts", "state", "waiting_since", "last_heartbeat_time", "heartbeat_details", "last_failure",
	"next_attempt_time", "paused_by", "pause_reason", "input", "summary"}

// ParseJSON reads a job line that is a JSON object. Jobs of complete take
// "result", jobs of fail "reason" and "retryable", jobs of heartbeat and
// cancel (a body that serve takes) "details", besides the keys that name the
// Activity, "identity" and "idempotency_key" (and the keys of a list line,
// ignored). Its error is a *lines.Failure (malformed).
func ParseJSON(text, verb string) (Fields, error) {
	var f Fields
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(text), &raw); err != nil {
		return f, lines.NotAJob(lines.OneLine(err.Error()))
	}
	known := []string{"tasktoken", "workflow_id", "activity_id", "run_id"}
	switch verb {
	case "fail":
		known = append(known, "reason", "retryable")
	case "heartbeat", "cancel":
		known = append(known, "details")
	default:
		known = append(known, "result")
	}
	known = append(known, "identity", "idempotency_key")
	// Sorted, so that a line with several faults always reports the same one.
	keys := make([]string, 0, len(raw))
	for key := range raw {
		if !slices.Contains(listKeys, key) {
			keys = append(keys, key)
		}
	}
	slices.Sort(keys)
	for _, key := range keys {
		if !slices.Contains(known, key) {
			return f, lines.NotAJob(fmt.Sprintf("unknown key \"%s\" (%s takes %s)", key, verb, strings.Join(known, ", ")))
		}
	}
	for _, key := range keys {
		value := bytes.TrimSpace(raw[key])
		if key == "retryable" {
			var retryable bool
			switch string(value) {
			case "true":
				retryable = true
			case "false":
			default:
				return f, lines.NotAJob("\"retryable\" must be true or false")
			}
			f.Retryable = &retryable
			continue
		}
		if key == "workflow_id" && string(value) == "null" {
			// A standalone Activity's list line: no Workflow.
			continue
		}
		var s string
		if len(value) == 0 || value[0] != '"' || json.Unmarshal(value, &s) != nil {
			return f, lines.NotAJob(fmt.Sprintf("\"%s\" must be a text", key))
		}
		switch key {
		case "tasktoken":
			f.TaskToken = &s
		case "workflow_id":
			f.WorkflowID = s
		case "activity_id":
			f.ActivityID = s
		case "run_id":
			f.RunID = s
		case "result":
			f.Result = &s
		case "reason":
			f.Reason = &s
		case "details":
			f.Details = &s
		case "identity":
			f.Identity = &s
		case "idempotency_key":
			f.IdempotencyKey = &s
		}
	}
	return f, nil
}
