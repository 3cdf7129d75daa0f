package lines

import (
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"

	"github.com/async-completion/go-completer/internal/model"
)

func TestClosedReason(t *testing.T) {
	at := time.Date(2026, 12, 3, 10, 2, 11, 430_000_000, time.FixedZone("CET", 3600))
	const when = "2026-12-03T09:02:11.43Z"
	timeout := func(kind enumspb.TimeoutType) *failurepb.Failure {
		return &failurepb.Failure{Message: "activity timeout", Cause: &failurepb.Failure{
			FailureInfo: &failurepb.Failure_TimeoutFailureInfo{TimeoutFailureInfo: &failurepb.TimeoutFailureInfo{TimeoutType: kind}}}}
	}
	tests := []struct {
		name    string
		found   model.Finding
		attempt int32
		want    string
	}{
		{"completed", model.Finding{Closing: &model.Closing{Kind: model.Completed, Time: at, Identity: "ada via go-completer cli@h", Attempt: 1}}, 1,
			"it was completed at " + when + " by ada via go-completer cli@h"},
		{"completed by an unnamed client", model.Finding{Closing: &model.Closing{Kind: model.Completed, Time: at}}, 0,
			"it was completed at " + when + " by an unnamed client"},
		{"failed", model.Finding{Closing: &model.Closing{Kind: model.Failed, Time: at, Identity: "bob", Failure: &failurepb.Failure{Message: "no\n  stock "}}}, 0,
			"it failed at " + when + ": no stock (reported by bob)"},
		{"start-to-close", model.Finding{Closing: &model.Closing{Kind: model.TimedOut, Time: at, Failure: timeout(enumspb.TIMEOUT_TYPE_START_TO_CLOSE)}}, 0,
			"it timed out at " + when + " (its start-to-close timeout)"},
		{"schedule-to-start", model.Finding{Closing: &model.Closing{Kind: model.TimedOut, Time: at, Failure: timeout(enumspb.TIMEOUT_TYPE_SCHEDULE_TO_START)}}, 0,
			"it timed out at " + when + " (its schedule-to-start timeout)"},
		{"schedule-to-close", model.Finding{Closing: &model.Closing{Kind: model.TimedOut, Time: at, Failure: timeout(enumspb.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE)}}, 0,
			"it timed out at " + when + " (its schedule-to-close timeout)"},
		{"heartbeat", model.Finding{Closing: &model.Closing{Kind: model.TimedOut, Time: at, Failure: timeout(enumspb.TIMEOUT_TYPE_HEARTBEAT)}}, 0,
			"it timed out at " + when + " (its heartbeat timeout)"},
		{"cancelled", model.Finding{Closing: &model.Closing{Kind: model.Canceled, Time: at, Identity: "carol"}}, 0,
			"it was reported as cancelled at " + when + " by carol"},
		{"retried, then completed", model.Finding{Closing: &model.Closing{Kind: model.Completed, Time: at, Identity: "x", Attempt: 2}}, 1,
			"attempt 1 was retried: attempt 2 was completed at " + when + " by x"},
		{"retried, then failed", model.Finding{Closing: &model.Closing{Kind: model.Failed, Time: at, Identity: "x", Attempt: 3, Failure: &failurepb.Failure{Message: "m"}}}, 1,
			"attempt 1 was retried: attempt 3 failed at " + when + ": m (reported by x)"},
		{"retried, pending", model.Finding{PendingAttempt: 2}, 1,
			"attempt 1 was retried: attempt 2 is pending now; its token is in the Worker's log"},
		{"no such run", model.Finding{NoRun: true}, 1, `no such Workflow run in namespace "ns"`},
	}
	for status, word := range map[enumspb.WorkflowExecutionStatus]string{
		enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED:        "completed",
		enumspb.WORKFLOW_EXECUTION_STATUS_FAILED:           "failed",
		enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED:       "terminated",
		enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED:         "cancelled",
		enumspb.WORKFLOW_EXECUTION_STATUS_TIMED_OUT:        "timed out",
		enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW: "continued as new",
	} {
		tests = append(tests, struct {
			name    string
			found   model.Finding
			attempt int32
			want    string
		}{"workflow " + word, model.Finding{WorkflowClosed: &model.WorkflowClose{Status: status, Time: at}}, 1, "its Workflow was " + word + " at " + when})
	}
	for _, tt := range tests {
		if got, ok := ClosedReason(tt.found, tt.attempt, "ns"); !ok || got != tt.want {
			t.Errorf("%s: ClosedReason = %q, %v\nwant %q", tt.name, got, ok, tt.want)
		}
	}
	// A timeout of a kind the contract does not name says nothing; the
	// Workflow's close still does.
	unnamed := &model.Closing{Kind: model.TimedOut, Time: at, Failure: timeout(enumspb.TIMEOUT_TYPE_UNSPECIFIED)}
	closed := &model.WorkflowClose{Status: enumspb.WORKFLOW_EXECUTION_STATUS_TIMED_OUT, Time: at}
	if got, ok := ClosedReason(model.Finding{Closing: unnamed, WorkflowClosed: closed}, 1, "ns"); !ok || got != "its Workflow was timed out at "+when {
		t.Errorf("an unnamed timeout in a closed Workflow: %q %v", got, ok)
	}
	completed := &model.Closing{Kind: model.Completed, Time: at, Identity: "x", Attempt: 1}
	if got, _ := ClosedReason(model.Finding{Closing: completed, WorkflowClosed: closed}, 1, "ns"); got != "it was completed at "+when+" by x" {
		t.Errorf("the Activity's close comes first: %q", got)
	}
	for _, found := range []model.Finding{{}, {PendingAttempt: 1}, {Closing: unnamed}} {
		if got, ok := ClosedReason(found, 1, "ns"); ok {
			t.Errorf("ClosedReason(%+v) = %q, want nothing", found, got)
		}
	}
}

func TestTheLinesOfARefusalThatReadTheHistory(t *testing.T) {
	const desc = `Activity "1" of Workflow "w"`
	const generic = desc + " is not pending any more: it was completed, failed, timed out or retried, or its Workflow closed; a retry logs a new token in the Worker's log"
	for _, tt := range []struct {
		got  *Failure
		want string
	}{
		{NotPending(desc), generic},
		{HistoryUnreadable(desc, "no answer\nwithin 10s"), generic + " (its history could not be read: no answer within 10s)"},
		{HistoryDoesNotSay(desc), generic + " (its history does not say)"},
		{NotPendingBecause(desc, "it was completed at T by I"), desc + " is not pending any more: it was completed at T by I"},
	} {
		if tt.got.Code != ExitRefused || tt.got.Message != tt.want {
			t.Errorf("%d %q\nwant 3 %q", tt.got.Code, tt.got.Message, tt.want)
		}
	}
	at := time.Date(2026, 12, 3, 10, 2, 11, 0, time.UTC)
	for kind, verbed := range map[model.Kind]string{model.Completed: "completed", model.Failed: "failed", model.Canceled: "reported as cancelled"} {
		got := AlreadyDone(desc, &model.Closing{Kind: kind, Time: at, Identity: "payments via go-completer serve@web-1 key=evt_42"})
		want := "Already done: " + desc + " was " + verbed + " at 2026-12-03T10:02:11Z by payments via go-completer serve@web-1 key=evt_42"
		if got != want {
			t.Errorf("AlreadyDone = %q\nwant %q", got, want)
		}
	}
}

func TestAnOutcomeAlreadyDoneSaysSoAfterItsMessage(t *testing.T) {
	if got, want := string(AppendJobLine(nil, 3, 0, "Already done: x", true)), `{"line":3,"outcome":"ok","code":0,"message":"Already done: x","already":true}`+"\n"; got != want {
		t.Errorf("job line %s, want %s", got, want)
	}
	if got, want := string(AppendAnswer(nil, "ok", 0, "Already done: x", true)), `{"outcome":"ok","code":0,"message":"Already done: x","already":true}`+"\n"; got != want {
		t.Errorf("answer %s, want %s", got, want)
	}
}
