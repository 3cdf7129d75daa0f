package pending

import (
	"context"
	"testing"
	"time"

	activitypb "go.temporal.io/api/activity/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"

	"github.com/async-completion/go-completer/internal/telemetry"
)

// disabled is a server without standalone Activities.
type disabled struct{}

func (disabled) ListActivityExecutions(context.Context, *workflowservice.ListActivityExecutionsRequest, ...grpc.CallOption) (*workflowservice.ListActivityExecutionsResponse, error) {
	return nil, serviceerror.NewUnimplemented("Standalone activity is disabled")
}

func (disabled) DescribeActivityExecution(context.Context, *workflowservice.DescribeActivityExecutionRequest, ...grpc.CallOption) (*workflowservice.DescribeActivityExecutionResponse, error) {
	panic("no describe without a listing")
}

func TestAServerWithoutStandaloneActivitiesListsNone(t *testing.T) {
	pages := 0
	err := ListStandalone(context.Background(), disabled{}, "ns", Options{PageSize: 10, Concurrency: 2, RPCTimeout: time.Second},
		Handlers{Described: func(Workflow) error { return nil }, PageDone: func([]Workflow) error { pages++; return nil }})
	if err != nil || pages != 0 {
		t.Errorf("ListStandalone = %v, %d pages; want none, no error", err, pages)
	}
}

// oneRunning is a server with one running standalone Activity.
type oneRunning struct{}

func (oneRunning) ListActivityExecutions(context.Context, *workflowservice.ListActivityExecutionsRequest, ...grpc.CallOption) (*workflowservice.ListActivityExecutionsResponse, error) {
	return &workflowservice.ListActivityExecutionsResponse{Executions: []*activitypb.ActivityExecutionListInfo{
		{ActivityId: "sa-1", RunId: "r", Status: enumspb.ACTIVITY_EXECUTION_STATUS_RUNNING}}}, nil
}

func (oneRunning) DescribeActivityExecution(context.Context, *workflowservice.DescribeActivityExecutionRequest, ...grpc.CallOption) (*workflowservice.DescribeActivityExecutionResponse, error) {
	return &workflowservice.DescribeActivityExecutionResponse{Info: &activitypb.ActivityExecutionInfo{
		ActivityId: "sa-1", RunId: "r", Status: enumspb.ACTIVITY_EXECUTION_STATUS_RUNNING, Attempt: 1}}, nil
}

// The standalone listing's requests are Temporal requests like the Workflows':
// counted by operation and result.
func TestTheStandaloneListingsRequestsAreCounted(t *testing.T) {
	m := telemetry.NewBatchMetrics()
	telemetry.UseMetrics(m)
	defer telemetry.UseMetrics(nil)
	err := ListStandalone(context.Background(), oneRunning{}, "ns", Options{PageSize: 10, Concurrency: 2, RPCTimeout: time.Second},
		Handlers{Described: func(Workflow) error { return nil }, PageDone: func([]Workflow) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	families, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	counted := map[string]float64{}
	for _, family := range families {
		if family.GetName() != "completer_temporal_requests_total" {
			continue
		}
		for _, metric := range family.GetMetric() {
			labels := map[string]string{}
			for _, pair := range metric.GetLabel() {
				labels[pair.GetName()] = pair.GetValue()
			}
			counted[labels["operation"]+" "+labels["result"]] = metric.GetCounter().GetValue()
		}
	}
	if counted["list OK"] != 1 || counted["describe OK"] != 1 || len(counted) != 2 {
		t.Errorf("counted %v; want one list and one describe, OK", counted)
	}
}
