package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	activitypb "go.temporal.io/api/activity/v1"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/async-completion/go-completer/internal/lines"
)

// The fake's standalone Activities: one page of the running ones, and their
// describes.

func (s *fakeService) ListActivityExecutions(_ context.Context, r *workflowservice.ListActivityExecutionsRequest, _ ...grpc.CallOption) (*workflowservice.ListActivityExecutionsResponse, error) {
	v := s.f.fakeVisibility
	v.mu.Lock()
	defer v.mu.Unlock()
	v.activityQueries = append(v.activityQueries, r.GetQuery())
	response := &workflowservice.ListActivityExecutionsResponse{}
	for _, info := range v.standalone {
		response.Executions = append(response.Executions, &activitypb.ActivityExecutionListInfo{ActivityId: info.GetActivityId(), RunId: info.GetRunId(), Status: info.GetStatus()})
	}
	return response, nil
}

func (s *fakeService) DescribeActivityExecution(_ context.Context, r *workflowservice.DescribeActivityExecutionRequest, _ ...grpc.CallOption) (*workflowservice.DescribeActivityExecutionResponse, error) {
	v := s.f.fakeVisibility
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, info := range v.standalone {
		if info.GetActivityId() == r.GetActivityId() {
			return &workflowservice.DescribeActivityExecutionResponse{RunId: info.GetRunId(), Info: info}, nil
		}
	}
	return nil, serviceerror.NewNotFound("activity not found")
}

func standaloneInfo(activityID string) *activitypb.ActivityExecutionInfo {
	return &activitypb.ActivityExecutionInfo{ActivityId: activityID, RunId: "run-" + activityID, Status: enumspb.ACTIVITY_EXECUTION_STATUS_RUNNING,
		RunState: enumspb.PENDING_ACTIVITY_STATE_STARTED, Attempt: 1, ActivityType: &commonpb.ActivityType{Name: "Activity"},
		LastStartedTime: timestamppb.New(time.Unix(1_700_000_000, 0))}
}

func TestListTheDefaultScopeListsStandaloneActivitiesToo(t *testing.T) {
	cleanEnvironment(t)
	now := time.Unix(1_700_000_041, 0)
	fake := &fakeVisibility{
		pages:      [][]*workflowpb.WorkflowExecutionInfo{{running("order-1", "r1")}},
		described:  map[string]*workflowservice.DescribeWorkflowExecutionResponse{"order-1": describeResponse("order-1", "r1")},
		standalone: []*activitypb.ActivityExecutionInfo{standaloneInfo("sa-1")},
	}
	h := &harness{fake: &fakeClient{fakeVisibility: fake}, now: now}
	code, stdout, stderr := h.run(t, "list")
	want := "" +
		"WORKFLOW ID   ACTIVITY ID  TYPE      ATTEMPT  STATE    WAITING  HEARTBEAT  DETAILS  LAST FAILURE  ASKS\n" +
		"(standalone)  sa-1         Activity  1        started  41s      -          -        -             -\n" +
		"1 pending Activity in 0 Workflows and 1 standalone (1 Workflow looked at)\n"
	if code != lines.ExitOK || stderr != "" || stdout != want {
		t.Errorf("run = %d, stderr %q, stdout:\n%s\nwant:\n%s", code, stderr, stdout, want)
	}
	if len(fake.activityQueries) != 1 || fake.activityQueries[0] != `TaskQueue = "async" AND ExecutionStatus = "Running"` {
		t.Errorf("standalone queries %q", fake.activityQueries)
	}
	h = &harness{fake: &fakeClient{fakeVisibility: fake}}
	code, stdout, _ = h.run(t, "list", "--json")
	wantJSON := `{"workflow_id":null,"run_id":"run-sa-1","activity_id":"sa-1","activity_type":"Activity","attempt":1,"maximum_attempts":0,"state":"started","waiting_since":"2023-11-14T22:13:20Z","last_heartbeat_time":null,"heartbeat_details":null,"last_failure":null,"next_attempt_time":null,"paused_by":null,"pause_reason":null,"input":null,"summary":null}` + "\n"
	if code != lines.ExitOK || stdout != wantJSON {
		t.Errorf("run --json = %d, %s\nwant %s", code, stdout, wantJSON)
	}
	// A query or a Workflow ID names Workflows: no standalone Activity.
	for _, args := range [][]string{{"list", "--query", "X = 1"}, {"list", "--workflow-id", "order-1"}} {
		h = &harness{fake: &fakeClient{fakeVisibility: fake}}
		if _, stdout, _ := h.run(t, args...); strings.Contains(stdout, "standalone") {
			t.Errorf("%q listed a standalone Activity:\n%s", args, stdout)
		}
	}
}
