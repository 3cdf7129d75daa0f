package lines

import (
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"

	"github.com/async-completion/go-completer/internal/history"
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
		found   history.Finding
		attempt int32
		want    string
	}{
		{"completed", history.Finding{Closing: &history.Closing{Kind: history.Completed, Time: at, Identity: "ada via go-completer cli@h", Attempt: 1}}, 1,
			"it was completed at " + when + " by ada via go-completer cli@h"},
		{"completed by an unnamed client", history.Finding{Closing: &history.Closing{Kind: history.Completed, Time: at}}, 0,
			"it was completed at " + when + " by an unnamed client"},
		{"failed", history.Finding{Closing: &history.Closing{Kind: history.Failed, Time: at, Identity: "bob", Failure: &failurepb.Failure{Message: "no\n  stock "}}}, 0,
			"it failed at " + when + ": no stock (reported by bob)"},
		{"start-to-close", history.Finding{Closing: &history.Closing{Kind: history.TimedOut, Time: at, Failure: timeout(enumspb.TIMEOUT_TYPE_START_TO_CLOSE)}}, 0,
			"it timed out at " + when + " (its start-to-close timeout)"},
		{"schedule-to-start", history.Finding{Closing: &history.Closing{Kind: history.TimedOut, Time: at, Failure: timeout(enumspb.TIMEOUT_TYPE_SCHEDULE_TO_START)}}, 0,
			"it timed out at " + when + " (its schedule-to-start timeout)"},
		{"schedule-to-close", history.Finding{Closing: &history.Closing{Kind: history.TimedOut, Time: at, Failure: timeout(enumspb.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE)}}, 0,
			"it timed out at " + when + " (its schedule-to-close timeout)"},
		{"heartbeat", history.Finding{Closing: &history.Closing{Kind: history.TimedOut, Time: at, Failure: timeout(enumspb.TIMEOUT_TYPE_HEARTBEAT)}}, 0,
			"it timed out at " + when + " (its heartbeat timeout)"},
		{"cancelled", history.Finding{Closing: &history.Closing{Kind: history.Canceled, Time: at, Identity: "carol"}}, 0,
			"it was reported as cancelled at " + when + " by carol"},
		{"retried, then completed", history.Finding{Closing: &history.Closing{Kind: history.Completed, Time: at, Identity: "x", Attempt: 2}}, 1,
			"attempt 1 was retried: attempt 2 was completed at " + when + " by x"},
		{"retried, then failed", history.Finding{Closing: &history.Closing{Kind: history.Failed, Time: at, Identity: "x", Attempt: 3, Failure: &failurepb.Failure{Message: "m"}}}, 1,
			"attempt 1 was retried: attempt 3 failed at " + when + ": m (reported by x)"},
		{"retried, pending", history.Finding{PendingAttempt: 2}, 1,
			"attempt 1 was retried: attempt 2 is pending now; its token is in the Worker's log"},
		{"no such run", history.Finding{NoRun: true}, 1, `no such Workflow run in namespace "ns"`},
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
			found   history.Finding
			attempt int32
			want    string
		}{"workflow " + word, history.Finding{WorkflowClosed: &history.WorkflowClose{Status: status, Time: at}}, 1, "its Workflow was " + word + " at " + when})
	}
	for _, tt := range tests {
		if got, ok := ClosedReason(tt.found, tt.attempt, "ns"); !ok || got != tt.want {
			t.Errorf("%s: ClosedReason = %q, %v\nwant %q", tt.name, got, ok, tt.want)
		}
	}
	// A timeout of a kind the contract does not name says nothing; the
	// Workflow's close still does.
	unnamed := &history.Closing{Kind: history.TimedOut, Time: at, Failure: timeout(enumspb.TIMEOUT_TYPE_UNSPECIFIED)}
	closed := &history.WorkflowClose{Status: enumspb.WORKFLOW_EXECUTION_STATUS_TIMED_OUT, Time: at}
	if got, ok := ClosedReason(history.Finding{Closing: unnamed, WorkflowClosed: closed}, 1, "ns"); !ok || got != "its Workflow was timed out at "+when {
		t.Errorf("an unnamed timeout in a closed Workflow: %q %v", got, ok)
	}
	completed := &history.Closing{Kind: history.Completed, Time: at, Identity: "x", Attempt: 1}
	if got, _ := ClosedReason(history.Finding{Closing: completed, WorkflowClosed: closed}, 1, "ns"); got != "it was completed at "+when+" by x" {
		t.Errorf("the Activity's close comes first: %q", got)
	}
	for _, found := range []history.Finding{{}, {PendingAttempt: 1}, {Closing: unnamed}} {
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
	for kind, verbed := range map[history.Kind]string{history.Completed: "completed", history.Failed: "failed", history.Canceled: "reported as cancelled"} {
		got := AlreadyDone(desc, &history.Closing{Kind: kind, Time: at, Identity: "payments via go-completer serve@web-1 key=evt_42"})
		want := "Already done: " + desc + " was " + verbed + " at 2026-12-03T10:02:11Z by payments via go-completer serve@web-1 key=evt_42"
		if got != want {
			t.Errorf("AlreadyDone = %q\nwant %q", got, want)
		}
	}
}

func TestIdentity(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{Identity("alice", "serve", "web-1", "evt_1Q2w3E"), "alice via go-completer serve@web-1 key=evt_1Q2w3E"},
		{Identity(DefaultActor(8141, "laptop"), "cli", "laptop", ""), "8141@laptop via go-completer cli@laptop"},
		{UnauthenticatedActor(""), "anonymous (unauthenticated)"},
		{UnauthenticatedActor("Ada Lovelace"), "Ada Lovelace (unauthenticated)"},
		{LinkActor("ops"), "ops (link)"},
	} {
		if tt.got != tt.want {
			t.Errorf("%q, want %q", tt.got, tt.want)
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
