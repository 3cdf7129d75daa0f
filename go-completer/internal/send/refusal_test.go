package send

import (
	"context"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/serviceerror"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"

	"github.com/async-completion/go-completer/internal/model"
)

// openHistory is a run whose history shows the Activity scheduled (event 5)
// and nothing closed; its describe shows the pending Activities given, or
// fails with describeErr.
type openHistory struct {
	pending     []*workflowpb.PendingActivityInfo
	describeErr error
	describes   int
}

func (h *openHistory) GetWorkflowExecutionHistory(context.Context, *workflowservice.GetWorkflowExecutionHistoryRequest, ...grpc.CallOption) (*workflowservice.GetWorkflowExecutionHistoryResponse, error) {
	scheduled := &historypb.HistoryEvent{EventId: 5, EventType: enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
		Attributes: &historypb.HistoryEvent_ActivityTaskScheduledEventAttributes{ActivityTaskScheduledEventAttributes: &historypb.ActivityTaskScheduledEventAttributes{ActivityId: "1"}}}
	return &workflowservice.GetWorkflowExecutionHistoryResponse{History: &historypb.History{Events: []*historypb.HistoryEvent{scheduled}}}, nil
}

func (h *openHistory) DescribeWorkflowExecution(_ context.Context, r *workflowservice.DescribeWorkflowExecutionRequest, _ ...grpc.CallOption) (*workflowservice.DescribeWorkflowExecutionResponse, error) {
	h.describes++
	if h.describeErr != nil {
		return nil, h.describeErr
	}
	return &workflowservice.DescribeWorkflowExecutionResponse{
		WorkflowExecutionInfo: &workflowpb.WorkflowExecutionInfo{Status: enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING,
			Execution: &commonpb.WorkflowExecution{WorkflowId: r.Execution.GetWorkflowId(), RunId: "run-1"}},
		PendingActivities: h.pending,
	}, nil
}

var (
	byToken = model.Target{WorkflowID: "order-17", RunID: "run-1", ActivityID: "1", ScheduledEventID: 5, Attempt: 1}
	byIDs   = model.Target{WorkflowID: "order-17", ActivityID: "1"}
)

func TestAnOpenActivityRetriedSinceTheTokensAttempt(t *testing.T) {
	svc := &openHistory{pending: []*workflowpb.PendingActivityInfo{{ActivityId: "2", Attempt: 9}, {ActivityId: "1", Attempt: 3}}}
	found, err := readHistory(context.Background(), svc, "ns", byToken)
	if err != nil || found.PendingAttempt != 3 || svc.describes != 1 {
		t.Errorf("readHistory = %+v, %v, %d describes; want attempt 3 pending", found, err, svc.describes)
	}
	// The token's own attempt pending: the history does not say.
	svc = &openHistory{pending: []*workflowpb.PendingActivityInfo{{ActivityId: "1", Attempt: 1}}}
	if found, err := readHistory(context.Background(), svc, "ns", byToken); err != nil || found.PendingAttempt != 0 {
		t.Errorf("own attempt: readHistory = %+v, %v", found, err)
	}
	// By IDs there is no attempt to compare with: no describe.
	svc = &openHistory{pending: []*workflowpb.PendingActivityInfo{{ActivityId: "1", Attempt: 3}}}
	if found, err := readHistory(context.Background(), svc, "ns", byIDs); err != nil || found.PendingAttempt != 0 || svc.describes != 0 {
		t.Errorf("by IDs: readHistory = %+v, %v, %d describes", found, err, svc.describes)
	}
}

func TestARunThatWentAwayBeforeItsDescribe(t *testing.T) {
	svc := &openHistory{describeErr: serviceerror.NewNotFound("workflow not found")}
	if found, err := readHistory(context.Background(), svc, "ns", byToken); err != nil || !found.NoRun {
		t.Errorf("readHistory with a describe NOT_FOUND = %+v, %v; want NoRun", found, err)
	}
	unavailable := serviceerror.NewUnavailable("down")
	svc = &openHistory{describeErr: unavailable}
	if _, err := readHistory(context.Background(), svc, "ns", byToken); err != unavailable {
		t.Errorf("readHistory with a describe that failed = %v, want its error", err)
	}
}
