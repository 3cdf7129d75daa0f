package pending

import (
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"google.golang.org/protobuf/types/known/timestamppb"
)

func TestState(t *testing.T) {
	tests := []struct {
		state  enumspb.PendingActivityState
		paused bool
		want   string
	}{
		{enumspb.PENDING_ACTIVITY_STATE_SCHEDULED, false, "scheduled"},
		{enumspb.PENDING_ACTIVITY_STATE_STARTED, false, "started"},
		{enumspb.PENDING_ACTIVITY_STATE_CANCEL_REQUESTED, false, "cancel_requested"},
		{enumspb.PENDING_ACTIVITY_STATE_PAUSED, false, "paused"},
		{enumspb.PENDING_ACTIVITY_STATE_PAUSE_REQUESTED, false, "pause_requested"},
		{enumspb.PENDING_ACTIVITY_STATE_STARTED, true, "paused"},
		{enumspb.PENDING_ACTIVITY_STATE_SCHEDULED, true, "paused"},
		// The server's own words win over the mark.
		{enumspb.PENDING_ACTIVITY_STATE_PAUSE_REQUESTED, true, "pause_requested"},
		{enumspb.PENDING_ACTIVITY_STATE_CANCEL_REQUESTED, true, "cancel_requested"},
		{enumspb.PENDING_ACTIVITY_STATE_UNSPECIFIED, false, "unspecified"},
		{enumspb.PendingActivityState(99), false, "unspecified"},
	}
	for _, tt := range tests {
		if got := state(&workflowpb.PendingActivityInfo{State: tt.state, Paused: tt.paused}); got != tt.want {
			t.Errorf("state(%v, paused %v) = %q, want %q", tt.state, tt.paused, got, tt.want)
		}
	}
}

func TestWaitingSince(t *testing.T) {
	scheduled := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	started := scheduled.Add(2 * time.Second)
	tests := []struct {
		name               string
		scheduled, started *time.Time
		want               *time.Time
	}{
		{"started: the start of the current attempt", &scheduled, &started, &started},
		{"scheduled, never started", &scheduled, nil, &scheduled},
		// A retry that waits: the start is the earlier attempt's.
		{"waiting for a retry", &started, &scheduled, &started},
		{"started at the instant it was scheduled", &scheduled, &scheduled, &scheduled},
		{"only a start", nil, &started, &started},
		{"neither", nil, nil, nil},
	}
	for _, tt := range tests {
		info := &workflowpb.PendingActivityInfo{}
		if tt.scheduled != nil {
			info.ScheduledTime = timestamppb.New(*tt.scheduled)
		}
		if tt.started != nil {
			info.LastStartedTime = timestamppb.New(*tt.started)
		}
		got := waitingSince(info)
		if (got == nil) != (tt.want == nil) || (got != nil && !got.Equal(*tt.want)) {
			t.Errorf("%s: waitingSince = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestFirstDetail(t *testing.T) {
	payload := func(encoding, data string) *commonpb.Payload {
		return &commonpb.Payload{Metadata: map[string][]byte{"encoding": []byte(encoding)}, Data: []byte(data)}
	}
	tests := []struct {
		name     string
		payloads *commonpb.Payloads
		want     *string
	}{
		{"no details", nil, nil},
		{"no payload", &commonpb.Payloads{}, nil},
		{"a text", &commonpb.Payloads{Payloads: []*commonpb.Payload{payload("json/plain", `"40%  done\nnearly é"`)}}, ptr("40%  done\nnearly é")},
		{"the first of several", &commonpb.Payloads{Payloads: []*commonpb.Payload{payload("json/plain", `"one"`), payload("json/plain", `"two"`)}}, ptr("one")},
		{"JSON that is no text", &commonpb.Payloads{Payloads: []*commonpb.Payload{payload("json/plain", `{"done": 40}`)}}, ptr(`{"done": 40}`)},
		{"JSON null", &commonpb.Payloads{Payloads: []*commonpb.Payload{payload("json/plain", `null`)}}, ptr("null")},
		{"binary", &commonpb.Payloads{Payloads: []*commonpb.Payload{payload("binary/plain", "raw bytes")}}, ptr("raw bytes")},
		{"a JSON string in another encoding", &commonpb.Payloads{Payloads: []*commonpb.Payload{payload("binary/plain", `"quoted"`)}}, ptr(`"quoted"`)},
		{"bytes that are not UTF-8", &commonpb.Payloads{Payloads: []*commonpb.Payload{payload("binary/plain", "a\xffb")}}, ptr("a\uFFFDb")},
	}
	for _, tt := range tests {
		got := firstDetail(tt.payloads)
		if (got == nil) != (tt.want == nil) || (got != nil && *got != *tt.want) {
			t.Errorf("%s: firstDetail = %v, want %v", tt.name, deref(got), deref(tt.want))
		}
	}
}

func TestNewActivity(t *testing.T) {
	scheduled := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	a := newActivity("w", "r", &workflowpb.PendingActivityInfo{
		ActivityId:      "1",
		ActivityType:    &commonpb.ActivityType{Name: "Activity"},
		State:           enumspb.PENDING_ACTIVITY_STATE_SCHEDULED,
		Attempt:         2,
		MaximumAttempts: 3,
		ScheduledTime:   timestamppb.New(scheduled),
		LastFailure:     &failurepb.Failure{Message: "Try later"},
	})
	if a.WorkflowID != "w" || a.RunID != "r" || a.ActivityID != "1" || a.ActivityType != "Activity" || a.Attempt != 2 || a.MaximumAttempts != 3 ||
		a.State != "scheduled" || !a.WaitingSince.Equal(scheduled) || a.LastHeartbeatTime != nil || a.HeartbeatDetails != nil || deref(a.LastFailure) != "Try later" {
		t.Errorf("newActivity = %+v", a)
	}
}

func ptr[T any](v T) *T { return &v }

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}
