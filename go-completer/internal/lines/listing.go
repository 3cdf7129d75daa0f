package lines

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/async-completion/go-completer/internal/jsontext"
	"github.com/async-completion/go-completer/internal/model"
)

// AppendPendingJSON appends the `list --json` line of a pending Activity,
// with its newline, byte for byte as Python's json.dumps(...,
// ensure_ascii=False, separators=(",", ":")) writes it. Its first keys are the
// keys of a --batch job, so that the line can be piped into one.
func AppendPendingJSON(dst []byte, a model.PendingActivity) []byte {
	dst = append(dst, `{"workflow_id":`...)
	if a.Standalone {
		dst = append(dst, "null"...)
	} else {
		dst = jsontext.AppendString(dst, a.WorkflowID)
	}
	dst = append(dst, `,"run_id":`...)
	dst = jsontext.AppendString(dst, a.RunID)
	dst = append(dst, `,"activity_id":`...)
	dst = jsontext.AppendString(dst, a.ActivityID)
	dst = append(dst, `,"activity_type":`...)
	dst = jsontext.AppendString(dst, a.ActivityType)
	dst = append(dst, `,"attempt":`...)
	dst = strconv.AppendInt(dst, int64(a.Attempt), 10)
	dst = append(dst, `,"maximum_attempts":`...)
	dst = strconv.AppendInt(dst, int64(a.MaximumAttempts), 10)
	dst = append(dst, `,"state":`...)
	dst = jsontext.AppendString(dst, a.State)
	dst = append(dst, `,"waiting_since":`...)
	dst = appendTime(dst, a.WaitingSince)
	dst = append(dst, `,"last_heartbeat_time":`...)
	dst = appendTime(dst, a.LastHeartbeatTime)
	dst = append(dst, `,"heartbeat_details":`...)
	dst = appendText(dst, a.HeartbeatDetails)
	dst = append(dst, `,"last_failure":`...)
	dst = appendText(dst, a.LastFailure)
	dst = append(dst, `,"next_attempt_time":`...)
	dst = appendTime(dst, a.NextAttemptTime)
	dst = append(dst, `,"paused_by":`...)
	dst = appendText(dst, a.PausedBy)
	dst = append(dst, `,"pause_reason":`...)
	dst = appendText(dst, a.PauseReason)
	dst = appendAsked(dst, a.Asked)
	return append(dst, '}', '\n')
}

// appendAsked appends the input and summary keys: the input as a JSON array
// of its arguments (each as history.PayloadJSON wrote it), null when the
// history was not read.
func appendAsked(dst []byte, asked *model.Asked) []byte {
	if asked == nil {
		return append(dst, `,"input":null,"summary":null`...)
	}
	dst = append(dst, `,"input":[`...)
	for i, item := range asked.Input {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, item...)
	}
	dst = append(dst, `],"summary":`...)
	return appendText(dst, asked.Summary)
}

func appendTime(dst []byte, t *time.Time) []byte {
	if t == nil {
		return append(dst, "null"...)
	}
	return jsontext.AppendString(dst, t.UTC().Format(time.RFC3339Nano))
}

func appendText(dst []byte, s *string) []byte {
	if s == nil {
		return append(dst, "null"...)
	}
	return jsontext.AppendString(dst, *s)
}

// StandaloneCell is the WORKFLOW ID cell of a standalone Activity (started
// without a Workflow).
const StandaloneCell = "(standalone)"

// ListHeader is the table's header row.
var ListHeader = []string{"WORKFLOW ID", "ACTIVITY ID", "TYPE", "ATTEMPT", "STATE", "WAITING", "HEARTBEAT", "DETAILS", "LAST FAILURE", "ASKS"}

// PendingCells are the table's cells for a pending Activity; now is the time
// that ages are counted to.
func PendingCells(a model.PendingActivity, now time.Time) []string {
	attempt := strconv.Itoa(int(a.Attempt))
	if a.MaximumAttempts != 0 {
		attempt += "/" + strconv.Itoa(int(a.MaximumAttempts))
	}
	heartbeat := "-"
	if a.LastHeartbeatTime != nil {
		heartbeat = age(*a.LastHeartbeatTime, now) + " ago"
	}
	waiting := "-"
	if a.WaitingSince != nil {
		waiting = age(*a.WaitingSince, now)
	}
	workflowID := CellText(a.WorkflowID)
	if a.Standalone {
		workflowID = StandaloneCell
	}
	return []string{
		workflowID,
		CellText(a.ActivityID),
		CellText(a.ActivityType),
		attempt,
		StateCell(a),
		waiting,
		heartbeat,
		cellText(a.HeartbeatDetails),
		cellText(a.LastFailure),
		cellText(AskedText(a.Asked)),
	}
}

// StateCell is the STATE cell: the JSON state with "_" as a space, or, while
// a retry waits, "retrying at" its time in UTC to the second.
func StateCell(a model.PendingActivity) string {
	if a.NextAttemptTime != nil && a.State == "scheduled" {
		return "retrying at " + a.NextAttemptTime.UTC().Truncate(time.Second).Format(time.RFC3339)
	}
	return strings.ReplaceAll(a.State, "_", " ")
}

// age is now minus t, rounded down to whole seconds, as time.Duration writes
// it: 0s, 45s, 3m12s, 26h3m4s; 0s for a time in the future.
func age(t, now time.Time) string {
	return max(now.Sub(t), 0).Truncate(time.Second).String()
}

// maxCellText is the most code points of a text cell: a heartbeat's details
// or a failure's message can be any length.
const maxCellText = 40

// cellText is a text made one line, cut to maxCellText code points, its
// control characters escaped; "-" for none.
func cellText(s *string) string {
	if s == nil {
		return "-"
	}
	text := OneLine(*s)
	if utf8.RuneCountInString(text) > maxCellText {
		text = string([]rune(text)[:maxCellText-1]) + "…"
	}
	return CellText(text)
}

// ListCount is the table's last line: n pending Activities in w Workflows,
// of looked Workflows described.
func ListCount(n, w, looked int) string {
	return ListCountStandalone(n, w, looked, 0)
}

// ListCountStandalone is ListCount with s standalone Activities among the n:
// " and S standalone" after the Workflows when there are any.
func ListCountStandalone(n, w, looked, s int) string {
	alone := ""
	if s > 0 {
		alone = fmt.Sprintf(" and %d standalone", s)
	}
	return fmt.Sprintf("%d pending %s in %d %s%s (%d %s looked at)",
		n, plural(n, "Activity", "Activities"), w, plural(w, "Workflow", "Workflows"), alone, looked, plural(looked, "Workflow", "Workflows"))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
