package pending

import (
	"context"
	"testing"

	activitypb "go.temporal.io/api/activity/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"

	"github.com/async-completion/go-completer/internal/model"
)

// A describer of Workflows holds no standalone Activity.
func (d *describer) DescribeActivityExecution(context.Context, *workflowservice.DescribeActivityExecutionRequest, ...grpc.CallOption) (*workflowservice.DescribeActivityExecutionResponse, error) {
	panic("a Workflow's Activity is never described as standalone")
}

// standaloneDescriber is a standalone Activity's record.
type standaloneDescriber struct {
	describer
	info  *activitypb.ActivityExecutionInfo
	asked *workflowservice.DescribeActivityExecutionRequest
}

func (d *standaloneDescriber) DescribeActivityExecution(_ context.Context, r *workflowservice.DescribeActivityExecutionRequest, _ ...grpc.CallOption) (*workflowservice.DescribeActivityExecutionResponse, error) {
	d.asked = r
	return &workflowservice.DescribeActivityExecutionResponse{Info: d.info}, nil
}

func TestAStandaloneActivitysPendingAttempt(t *testing.T) {
	target := model.Target{ActivityID: "sa-1"}
	tests := []struct {
		status enumspb.ActivityExecutionStatus
		want   Attempt
	}{
		{enumspb.ACTIVITY_EXECUTION_STATUS_RUNNING, Attempt{RunID: "r1", Attempt: 2, Pending: true}},
		{enumspb.ACTIVITY_EXECUTION_STATUS_PAUSED, Attempt{RunID: "r1", Attempt: 2, Pending: true}},
		{enumspb.ACTIVITY_EXECUTION_STATUS_COMPLETED, Attempt{}},
	}
	for _, tt := range tests {
		svc := &standaloneDescriber{info: &activitypb.ActivityExecutionInfo{ActivityId: "sa-1", RunId: "r1", Status: tt.status, Attempt: 2}}
		got, err := PendingAttempt(context.Background(), svc, "ns", target)
		if err != nil || got != tt.want || svc.asked.GetActivityId() != "sa-1" || svc.asked.GetNamespace() != "ns" {
			t.Errorf("%v: PendingAttempt = %+v, %v (asked %v); want %+v", tt.status, got, err, svc.asked, tt.want)
		}
	}
}
