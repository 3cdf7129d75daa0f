package pending

import (
	"context"
	"testing"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"
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
