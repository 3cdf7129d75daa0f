package send

import (
	"context"
	"testing"
	"time"

	activitypb "go.temporal.io/api/activity/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/async-completion/go-completer/internal/lines"
	"github.com/async-completion/go-completer/internal/model"
)

// An Activity of a Workflow never reads a standalone record.
func (h *openHistory) DescribeActivityExecution(context.Context, *workflowservice.DescribeActivityExecutionRequest, ...grpc.CallOption) (*workflowservice.DescribeActivityExecutionResponse, error) {
	return nil, serviceerror.NewUnimplemented("not a standalone Activity")
}

// record is a standalone Activity's record: its describe answers response,
// or err; it has no Workflow history.
type record struct {
	openHistory
	response *workflowservice.DescribeActivityExecutionResponse
	err      error
	asked    *workflowservice.DescribeActivityExecutionRequest
}

func (r *record) DescribeActivityExecution(_ context.Context, req *workflowservice.DescribeActivityExecutionRequest, _ ...grpc.CallOption) (*workflowservice.DescribeActivityExecutionResponse, error) {
	r.asked = req
	return r.response, r.err
}

func closedRecord(status enumspb.ActivityExecutionStatus, outcome *activitypb.ActivityExecutionOutcome) *workflowservice.DescribeActivityExecutionResponse {
	return &workflowservice.DescribeActivityExecutionResponse{
		Info: &activitypb.ActivityExecutionInfo{ActivityId: "sa-1", RunId: "r1", Status: status, Attempt: 2,
			CloseTime: timestamppb.New(time.Date(2026, 12, 6, 3, 0, 0, 500_000_000, time.UTC)), LastWorkerIdentity: "ops"},
		Outcome: outcome,
	}
}

func TestAStandaloneActivitysRecordSaysWhatClosedIt(t *testing.T) {
	standalone := model.Target{RunID: "r1", ActivityID: "sa-1", Attempt: 2}
	failed := &activitypb.ActivityExecutionOutcome{Value: &activitypb.ActivityExecutionOutcome_Failure{Failure: &failurepb.Failure{Message: "no stock"}}}
	result, _ := dataConverter.ToPayloads("done")
	completed := &activitypb.ActivityExecutionOutcome{Value: &activitypb.ActivityExecutionOutcome_Result{Result: result}}
	terminated := &activitypb.ActivityExecutionOutcome{Value: &activitypb.ActivityExecutionOutcome_Failure{Failure: &failurepb.Failure{Message: "by hand"}}}
	running := &workflowservice.DescribeActivityExecutionResponse{Info: &activitypb.ActivityExecutionInfo{Status: enumspb.ACTIVITY_EXECUTION_STATUS_RUNNING, Attempt: 3}}
	tests := []struct {
		name   string
		svc    *record
		want   string
		target model.Target
	}{
		{"completed", &record{response: closedRecord(enumspb.ACTIVITY_EXECUTION_STATUS_COMPLETED, completed)}, "it was completed at 2026-12-06T03:00:00.5Z by ops", standalone},
		{"failed", &record{response: closedRecord(enumspb.ACTIVITY_EXECUTION_STATUS_FAILED, failed)}, "it failed at 2026-12-06T03:00:00.5Z: no stock (reported by ops)", standalone},
		{"terminated", &record{response: closedRecord(enumspb.ACTIVITY_EXECUTION_STATUS_TERMINATED, terminated)}, "it was terminated at 2026-12-06T03:00:00.5Z: by hand", standalone},
		{"retried", &record{response: running}, "attempt 2 was retried: attempt 3 is pending now; its token is in the Worker's log", standalone},
		{"no such Activity", &record{err: serviceerror.NewNotFound("activity not found")}, `no such standalone Activity in namespace "ns"`, standalone},
	}
	for _, tt := range tests {
		found, err := readHistory(context.Background(), tt.svc, "ns", tt.target)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got, ok := lines.ClosedReason(found, tt.target.Attempt, "ns"); !ok || got != tt.want {
			t.Errorf("%s: reason %q, %v; want %q", tt.name, got, ok, tt.want)
		}
		if tt.svc.asked.GetActivityId() != "sa-1" || tt.svc.asked.GetRunId() != "r1" || !tt.svc.asked.GetIncludeOutcome() {
			t.Errorf("%s: asked %v", tt.name, tt.svc.asked)
		}
	}
}

func TestAStandaloneRefusalThatDoesNotFitItsStateStands(t *testing.T) {
	svc := &recordService{record: record{response: &workflowservice.DescribeActivityExecutionResponse{
		Info: &activitypb.ActivityExecutionInfo{Status: enumspb.ACTIVITY_EXECUTION_STATUS_RUNNING, Attempt: 1}}}}
	job := &model.Job{Verb: Cancel, Target: model.Target{ActivityID: "sa-1"}, Desc: lines.DescribeIDs("sa-1", "")}
	svc.err = serviceerror.NewFailedPrecondition("invalid transition from Started")
	server := Server{Namespace: "ns", RPCTimeout: time.Second}
	_, err := Send(context.Background(), svc, server, job)
	want := `the server refused to report standalone Activity "sa-1" as cancelled: no cancellation was requested for it; request one first (temporal activity cancel --activity-id sa-1)`
	if failure, ok := err.(*lines.Failure); !ok || failure.Code != lines.ExitRefused || failure.Message != want {
		t.Errorf("Send = %v, want %q", err, want)
	}
	// Closed meanwhile: the record says by whom, and the same result is already done.
	result, _ := dataConverter.ToPayloads("done")
	svc.response = closedRecord(enumspb.ACTIVITY_EXECUTION_STATUS_COMPLETED, &activitypb.ActivityExecutionOutcome{Value: &activitypb.ActivityExecutionOutcome_Result{Result: result}})
	svc.err = serviceerror.NewFailedPrecondition("invalid transition from Completed")
	job = &model.Job{Verb: Complete, Result: "done", Target: model.Target{ActivityID: "sa-1"}, Desc: lines.DescribeIDs("sa-1", "")}
	sent, err := Send(context.Background(), svc, server, job)
	if err != nil || !sent.Already || sent.Message != `Already done: standalone Activity "sa-1" was completed at 2026-12-06T03:00:00.5Z by ops` {
		t.Errorf("Send = %+v, %v", sent, err)
	}
}

// recordService answers the requests by IDs with err, and reads the record.
type recordService struct {
	workflowservice.WorkflowServiceClient
	record
	err error
}

func (s *recordService) DescribeActivityExecution(ctx context.Context, req *workflowservice.DescribeActivityExecutionRequest, opts ...grpc.CallOption) (*workflowservice.DescribeActivityExecutionResponse, error) {
	return s.record.DescribeActivityExecution(ctx, req, opts...)
}

func (s *recordService) RespondActivityTaskCompletedById(context.Context, *workflowservice.RespondActivityTaskCompletedByIdRequest, ...grpc.CallOption) (*workflowservice.RespondActivityTaskCompletedByIdResponse, error) {
	return nil, s.err
}

func (s *recordService) RespondActivityTaskCanceledById(context.Context, *workflowservice.RespondActivityTaskCanceledByIdRequest, ...grpc.CallOption) (*workflowservice.RespondActivityTaskCanceledByIdResponse, error) {
	return nil, s.err
}
