package pending

import (
	"context"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"

	"github.com/async-completion/go-completer/internal/model"
)

type describer struct {
	response *workflowservice.DescribeWorkflowExecutionResponse
	asked    *workflowservice.DescribeWorkflowExecutionRequest
}

func (d *describer) DescribeWorkflowExecution(_ context.Context, r *workflowservice.DescribeWorkflowExecutionRequest, _ ...grpc.CallOption) (*workflowservice.DescribeWorkflowExecutionResponse, error) {
	d.asked = r
	return d.response, nil
}

func described(status enumspb.WorkflowExecutionStatus, runID string, pending ...*workflowpb.PendingActivityInfo) *describer {
	return &describer{response: &workflowservice.DescribeWorkflowExecutionResponse{
		WorkflowExecutionInfo: &workflowpb.WorkflowExecutionInfo{Status: status, Execution: &commonpb.WorkflowExecution{WorkflowId: "w", RunId: runID}},
		PendingActivities:     pending,
	}}
}

func TestPendingAttempt(t *testing.T) {
	running := enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING
	target := model.Target{WorkflowID: "w", ActivityID: "1"}
	for _, tt := range []struct {
		name string
		svc  *describer
		want Attempt
	}{
		{"pending", described(running, "run-2", &workflowpb.PendingActivityInfo{ActivityId: "2", Attempt: 7}, &workflowpb.PendingActivityInfo{ActivityId: "1", Attempt: 3}), Attempt{RunID: "run-2", Attempt: 3, Pending: true}},
		{"not among the pending", described(running, "run-2", &workflowpb.PendingActivityInfo{ActivityId: "2", Attempt: 7}), Attempt{}},
		{"a run that closed", described(enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, "run-2", &workflowpb.PendingActivityInfo{ActivityId: "1", Attempt: 3}), Attempt{}},
		{"no run ID in the answer", described(running, "", &workflowpb.PendingActivityInfo{ActivityId: "1", Attempt: 1}), Attempt{RunID: "run-1", Attempt: 1, Pending: true}},
	} {
		target := target
		if tt.name == "no run ID in the answer" {
			target.RunID = "run-1"
		}
		got, err := PendingAttempt(context.Background(), tt.svc, "ns", target)
		if err != nil || got != tt.want {
			t.Errorf("%s: PendingAttempt = %+v, %v; want %+v", tt.name, got, err, tt.want)
		}
		if tt.svc.asked.GetNamespace() != "ns" || tt.svc.asked.GetExecution().GetWorkflowId() != "w" || tt.svc.asked.GetExecution().GetRunId() != target.RunID {
			t.Errorf("%s: asked %v", tt.name, tt.svc.asked)
		}
	}
}
