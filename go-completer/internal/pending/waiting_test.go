package pending

import (
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"google.golang.org/protobuf/types/known/timestamppb"
)

func TestARetryThatWaitsHasItsNextAttemptTime(t *testing.T) {
	info := &workflowpb.PendingActivityInfo{ActivityId: "1", State: enumspb.PENDING_ACTIVITY_STATE_SCHEDULED}
	if got := newActivity("wf", "run", info).NextAttemptTime; got != nil {
		t.Errorf("NextAttemptTime = %v, want nil", got)
	}
	info.NextAttemptScheduleTime = timestamppb.New(time.Unix(500, 0))
	if got := newActivity("wf", "run", info).NextAttemptTime; got == nil || !got.Equal(time.Unix(500, 0)) {
		t.Errorf("NextAttemptTime = %v, want 500 s", got)
	}
}

func TestWhoPausedAndWhy(t *testing.T) {
	manual := func(identity, reason string) *workflowpb.PendingActivityInfo_PauseInfo {
		return &workflowpb.PendingActivityInfo_PauseInfo{PausedBy: &workflowpb.PendingActivityInfo_PauseInfo_Manual_{
			Manual: &workflowpb.PendingActivityInfo_PauseInfo_Manual{Identity: identity, Reason: reason}}}
	}
	rule := func(id, identity, reason string) *workflowpb.PendingActivityInfo_PauseInfo {
		return &workflowpb.PendingActivityInfo_PauseInfo{PausedBy: &workflowpb.PendingActivityInfo_PauseInfo_Rule_{
			Rule: &workflowpb.PendingActivityInfo_PauseInfo_Rule{RuleId: id, Identity: identity, Reason: reason}}}
	}
	tests := []struct {
		name       string
		pause      *workflowpb.PendingActivityInfo_PauseInfo
		by, reason string // "" for nil
	}{
		{"no pause info", nil, "", ""},
		{"manual, nothing said", manual("", ""), "", ""},
		{"manual", manual("ops@example", "waiting for stock"), "ops@example", "waiting for stock"},
		{"a rule without its creator", rule("r-9", "", ""), "rule r-9", ""},
		{"a rule", rule("r-9", "admin", "too many failures"), "admin", "too many failures"},
	}
	text := func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	}
	for _, tt := range tests {
		a := newActivity("wf", "run", &workflowpb.PendingActivityInfo{ActivityId: "1", State: enumspb.PENDING_ACTIVITY_STATE_PAUSED, Paused: true, PauseInfo: tt.pause})
		if a.State != "paused" || text(a.PausedBy) != tt.by || text(a.PauseReason) != tt.reason {
			t.Errorf("%s: state %q, by %q, reason %q; want paused, %q, %q", tt.name, a.State, text(a.PausedBy), text(a.PauseReason), tt.by, tt.reason)
		}
	}
}
