// Package pending finds the Activities that wait to be finished: it pages
// through visibility (ListWorkflowExecutions) and reads each running
// Workflow's pending Activities with DescribeWorkflowExecution, a bounded
// number at a time. It says nothing to the user; package lines words what it
// finds.
package pending

import (
	"encoding/json"
	"strings"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/async-completion/go-completer/internal/model"
)

// Workflow is one running Workflow that was described, with its pending
// Activities in the server's order (maybe none); or, with Err, one that
// visibility listed and whose describe failed (a *RequestError): no
// Activities, the others are listed all the same.
type Workflow struct {
	WorkflowID string
	RunID      string
	Activities []model.PendingActivity
	Err        error
}

func newActivity(workflowID, runID string, info *workflowpb.PendingActivityInfo) model.PendingActivity {
	a := model.PendingActivity{
		WorkflowID:        workflowID,
		RunID:             runID,
		ActivityID:        info.GetActivityId(),
		ActivityType:      info.GetActivityType().GetName(),
		Attempt:           info.GetAttempt(),
		MaximumAttempts:   info.GetMaximumAttempts(),
		State:             state(info),
		WaitingSince:      waitingSince(info),
		LastHeartbeatTime: timeOf(info.GetLastHeartbeatTime()),
		HeartbeatDetails:  firstDetail(info.GetHeartbeatDetails()),
		NextAttemptTime:   nextAttemptTime(info),
		PausedBy:          pausedBy(info),
		PauseReason:       pauseReason(info),
	}
	if failure := info.GetLastFailure(); failure != nil {
		message := failure.GetMessage()
		a.LastFailure = &message
	}
	return a
}

func state(info *workflowpb.PendingActivityInfo) string {
	// Older servers mark a paused Activity with the flag alone; newer ones
	// say paused or pause requested in the state, and keep cancel requested.
	switch info.GetState() {
	case enumspb.PENDING_ACTIVITY_STATE_SCHEDULED, enumspb.PENDING_ACTIVITY_STATE_STARTED, enumspb.PENDING_ACTIVITY_STATE_UNSPECIFIED:
		if info.GetPaused() {
			return "paused"
		}
	}
	name, ok := enumspb.PendingActivityState_name[int32(info.GetState())]
	if !ok {
		name = "PENDING_ACTIVITY_STATE_UNSPECIFIED"
	}
	return strings.ToLower(strings.TrimPrefix(name, "PENDING_ACTIVITY_STATE_"))
}

// waitingSince is when the current attempt started, or, before it has started
// (scheduled, or waiting for a retry), when it was scheduled. The server keeps
// the start of an earlier attempt while a retry waits, so a start before the
// schedule is no start of the current attempt.
func waitingSince(info *workflowpb.PendingActivityInfo) *time.Time {
	started, scheduled := timeOf(info.GetLastStartedTime()), timeOf(info.GetScheduledTime())
	if started != nil && (scheduled == nil || !started.Before(*scheduled)) {
		return started
	}
	if scheduled != nil {
		return scheduled
	}
	return started
}

func timeOf(ts *timestamppb.Timestamp) *time.Time {
	if ts == nil {
		return nil
	}
	t := ts.AsTime()
	return &t
}

// firstDetail is the first of a heartbeat's details as text: a text (a JSON
// string in a json/plain payload, as the SDKs encode one) as that text, any
// other payload as its data.
func firstDetail(payloads *commonpb.Payloads) *string {
	if len(payloads.GetPayloads()) == 0 {
		return nil
	}
	payload := payloads.GetPayloads()[0]
	data := payload.GetData()
	var text string
	if string(payload.GetMetadata()["encoding"]) == "json/plain" && len(data) > 0 && data[0] == '"' && json.Unmarshal(data, &text) == nil {
		return &text
	}
	text = strings.ToValidUTF8(string(data), "\uFFFD")
	return &text
}
