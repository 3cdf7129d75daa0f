package history

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/async-completion/go-completer/internal/model"
)

// fakeService answers the history as pages of events, and counts describes:
// a pure read makes none.
type fakeService struct {
	pages [][]*historypb.HistoryEvent
	// raw sends the pages as blobs, as a server configured for raw history.
	raw bool
	// errPage, when errs is set, is the page answered with err.
	err     error
	errPage int
	// block makes every request wait for its context to end.
	block bool

	requests  []*workflowservice.GetWorkflowExecutionHistoryRequest
	describes []*workflowservice.DescribeWorkflowExecutionRequest
}

func (f *fakeService) GetWorkflowExecutionHistory(ctx context.Context, r *workflowservice.GetWorkflowExecutionHistoryRequest, _ ...grpc.CallOption) (*workflowservice.GetWorkflowExecutionHistoryResponse, error) {
	f.requests = append(f.requests, r)
	if f.block {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	page := 0
	if len(r.NextPageToken) > 0 {
		page, _ = strconv.Atoi(string(r.NextPageToken))
	}
	if f.err != nil && page == f.errPage {
		return nil, f.err
	}
	response := &workflowservice.GetWorkflowExecutionHistoryResponse{}
	if page < len(f.pages) {
		h := &historypb.History{Events: f.pages[page]}
		if f.raw {
			data, err := proto.Marshal(h)
			if err != nil {
				return nil, err
			}
			response.RawHistory = []*commonpb.DataBlob{{EncodingType: enumspb.ENCODING_TYPE_PROTO3, Data: data}}
		} else {
			response.History = h
		}
	}
	if page+1 < len(f.pages) {
		response.NextPageToken = []byte(strconv.Itoa(page + 1))
	}
	return response, nil
}

func (f *fakeService) DescribeWorkflowExecution(ctx context.Context, r *workflowservice.DescribeWorkflowExecutionRequest, _ ...grpc.CallOption) (*workflowservice.DescribeWorkflowExecutionResponse, error) {
	f.describes = append(f.describes, r)
	return &workflowservice.DescribeWorkflowExecutionResponse{}, nil
}

var t0 = time.Date(2026, 12, 3, 10, 2, 11, 430_000_000, time.UTC)

// at is the time of event id, a second apart.
func at(id int64) *timestamppb.Timestamp {
	return timestamppb.New(t0.Add(time.Duration(id) * time.Second))
}

func event(id int64, kind enumspb.EventType) *historypb.HistoryEvent {
	return &historypb.HistoryEvent{EventId: id, EventTime: at(id), EventType: kind}
}

func started(id int64) *historypb.HistoryEvent {
	e := event(id, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)
	e.Attributes = &historypb.HistoryEvent_WorkflowExecutionStartedEventAttributes{WorkflowExecutionStartedEventAttributes: &historypb.WorkflowExecutionStartedEventAttributes{}}
	return e
}

func scheduled(id int64, activityID string) *historypb.HistoryEvent {
	e := event(id, enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
	e.Attributes = &historypb.HistoryEvent_ActivityTaskScheduledEventAttributes{ActivityTaskScheduledEventAttributes: &historypb.ActivityTaskScheduledEventAttributes{ActivityId: activityID}}
	return e
}

func activityStarted(id, scheduledID int64, attempt int32) *historypb.HistoryEvent {
	e := event(id, enumspb.EVENT_TYPE_ACTIVITY_TASK_STARTED)
	e.Attributes = &historypb.HistoryEvent_ActivityTaskStartedEventAttributes{ActivityTaskStartedEventAttributes: &historypb.ActivityTaskStartedEventAttributes{ScheduledEventId: scheduledID, Attempt: attempt}}
	return e
}

func text(t *testing.T, s string) *commonpb.Payloads {
	t.Helper()
	payloads, err := converter.GetDefaultDataConverter().ToPayloads(s)
	if err != nil {
		t.Fatal(err)
	}
	return payloads
}

func completed(t *testing.T, id, scheduledID int64, result, identity string) *historypb.HistoryEvent {
	e := event(id, enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED)
	e.Attributes = &historypb.HistoryEvent_ActivityTaskCompletedEventAttributes{ActivityTaskCompletedEventAttributes: &historypb.ActivityTaskCompletedEventAttributes{
		ScheduledEventId: scheduledID, Result: text(t, result), Identity: identity}}
	return e
}

func failed(id, scheduledID int64, message string, nonRetryable bool, identity string) *historypb.HistoryEvent {
	e := event(id, enumspb.EVENT_TYPE_ACTIVITY_TASK_FAILED)
	e.Attributes = &historypb.HistoryEvent_ActivityTaskFailedEventAttributes{ActivityTaskFailedEventAttributes: &historypb.ActivityTaskFailedEventAttributes{
		ScheduledEventId: scheduledID, Identity: identity, Failure: &failurepb.Failure{Message: message,
			FailureInfo: &failurepb.Failure_ApplicationFailureInfo{ApplicationFailureInfo: &failurepb.ApplicationFailureInfo{Type: "GoCompleterFailure", NonRetryable: nonRetryable}}}}}
	return e
}

func timedOut(id, scheduledID int64, kind enumspb.TimeoutType) *historypb.HistoryEvent {
	e := event(id, enumspb.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT)
	e.Attributes = &historypb.HistoryEvent_ActivityTaskTimedOutEventAttributes{ActivityTaskTimedOutEventAttributes: &historypb.ActivityTaskTimedOutEventAttributes{
		ScheduledEventId: scheduledID, Failure: &failurepb.Failure{Message: "activity timeout",
			FailureInfo: &failurepb.Failure_TimeoutFailureInfo{TimeoutFailureInfo: &failurepb.TimeoutFailureInfo{TimeoutType: kind}}}}}
	return e
}

func canceled(t *testing.T, id, scheduledID int64, details *string, identity string) *historypb.HistoryEvent {
	e := event(id, enumspb.EVENT_TYPE_ACTIVITY_TASK_CANCELED)
	attributes := &historypb.ActivityTaskCanceledEventAttributes{ScheduledEventId: scheduledID, Identity: identity}
	if details != nil {
		attributes.Details = text(t, *details)
	}
	e.Attributes = &historypb.HistoryEvent_ActivityTaskCanceledEventAttributes{ActivityTaskCanceledEventAttributes: attributes}
	return e
}

var token = model.Target{WorkflowID: "order-17", RunID: "run-1", ActivityID: "1", ScheduledEventID: 5, Attempt: 1}
var byIDs = model.Target{WorkflowID: "order-17", ActivityID: "1"}

func TestReadFindsEachClosingKind(t *testing.T) {
	details := "stopped"
	tests := []struct {
		name    string
		closing *historypb.HistoryEvent
		want    model.Closing
	}{
		{"completed", completed(t, 7, 5, "Paid", "ada via go-completer cli@h"), model.Closing{Kind: model.Completed, Identity: "ada via go-completer cli@h"}},
		{"failed", failed(7, 5, "no stock", true, "bob"), model.Closing{Kind: model.Failed, Identity: "bob"}},
		{"timed out", timedOut(7, 5, enumspb.TIMEOUT_TYPE_HEARTBEAT), model.Closing{Kind: model.TimedOut}},
		{"cancelled", canceled(t, 7, 5, &details, "carol"), model.Closing{Kind: model.Canceled, Identity: "carol"}},
	}
	for _, tt := range tests {
		for _, target := range []model.Target{token, byIDs} {
			svc := &fakeService{pages: [][]*historypb.HistoryEvent{{started(1), scheduled(5, "1"), activityStarted(6, 5, 1), tt.closing}}}
			found, err := Read(context.Background(), svc, "ns", target)
			if err != nil || found.Closing == nil {
				t.Fatalf("%s: Read = %+v, %v", tt.name, found, err)
			}
			c := found.Closing
			if c.Kind != tt.want.Kind || c.Identity != tt.want.Identity || c.Attempt != 1 || !c.Time.Equal(t0.Add(7*time.Second)) {
				t.Errorf("%s: closing %+v, want %+v at attempt 1, %v", tt.name, c, tt.want, t0.Add(7*time.Second))
			}
			if found.NoRun || found.WorkflowClosed != nil || found.PendingAttempt != 0 || len(svc.describes) != 0 {
				t.Errorf("%s: found %+v, %d describes", tt.name, found, len(svc.describes))
			}
		}
	}
	svc := &fakeService{pages: [][]*historypb.HistoryEvent{{scheduled(5, "1"), timedOut(6, 5, enumspb.TIMEOUT_TYPE_SCHEDULE_TO_START)}}}
	found, _ := Read(context.Background(), svc, "ns", token)
	if found.Closing.TimeoutType() != enumspb.TIMEOUT_TYPE_SCHEDULE_TO_START || found.Closing.Attempt != 0 {
		t.Errorf("a timeout before any start: %+v", found.Closing)
	}
}

func TestReadPagesThroughTheWholeHistory(t *testing.T) {
	svc := &fakeService{pages: [][]*historypb.HistoryEvent{
		{started(1), scheduled(5, "1")},
		{activityStarted(6, 5, 2)},
		{completed(t, 7, 5, "r", "id"), event(8, enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED)},
		{event(11, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED)},
	}}
	for _, raw := range []bool{false, true} {
		svc.raw, svc.requests = raw, nil
		found, err := Read(context.Background(), svc, "ns", token)
		if err != nil || found.Closing == nil || found.Closing.Attempt != 2 {
			t.Fatalf("raw %v: Read = %+v, %v", raw, found, err)
		}
		if len(svc.requests) != 4 {
			t.Fatalf("raw %v: %d pages read, want 4", raw, len(svc.requests))
		}
		for i, r := range svc.requests {
			if r.Namespace != "ns" || r.Execution.GetWorkflowId() != "order-17" || r.Execution.GetRunId() != "run-1" ||
				(i == 0) != (len(r.NextPageToken) == 0) || r.HistoryEventFilterType != enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT {
				t.Errorf("raw %v: request %d = %v", raw, i, r)
			}
		}
	}
}

func TestThePageSizeComesFromTheEnvironment(t *testing.T) {
	for setting, want := range map[string]int32{"1": 1, "250": 250, "1000": 1000, "": 0, "0": 0, "1001": 0, "+5": 0, "x": 0} {
		t.Setenv("ASYNC_COMPLETER_HISTORY_PAGE_SIZE", setting)
		svc := &fakeService{pages: [][]*historypb.HistoryEvent{{started(1), scheduled(5, "1")}, {completed(t, 7, 5, "r", "id")}}}
		if _, err := Read(context.Background(), svc, "ns", token); err != nil {
			t.Fatal(err)
		}
		for _, r := range svc.requests {
			if r.MaximumPageSize != want {
				t.Errorf("%q: MaximumPageSize %d, want %d", setting, r.MaximumPageSize, want)
			}
		}
	}
}

func TestByIDsTheLastScheduleOfTheActivityCounts(t *testing.T) {
	svc := &fakeService{pages: [][]*historypb.HistoryEvent{{
		scheduled(5, "1"), scheduled(6, "2"), activityStarted(7, 5, 1), completed(t, 8, 5, "first", "a"),
		scheduled(9, "1"), activityStarted(10, 9, 1), failed(11, 9, "second", true, "b"),
		activityStarted(12, 6, 1), completed(t, 13, 6, "other", "c"),
	}}}
	found, err := Read(context.Background(), svc, "ns", byIDs)
	if err != nil || found.Closing == nil || found.Closing.Kind != model.Failed || found.Closing.Identity != "b" {
		t.Errorf("by IDs: %+v, %v", found.Closing, err)
	}
	// A token names its own schedule.
	found, err = Read(context.Background(), svc, "ns", token)
	if err != nil || found.Closing == nil || found.Closing.Kind != model.Completed || found.Closing.Identity != "a" {
		t.Errorf("by token: %+v, %v", found.Closing, err)
	}
	// A token without a scheduled event ID (an older server) is found by IDs.
	old := token
	old.ScheduledEventID = 0
	if found, _ := Read(context.Background(), svc, "ns", old); found.Closing == nil || found.Closing.Identity != "b" {
		t.Errorf("old token: %+v", found.Closing)
	}
}

func TestAWorkflowThatClosedFirst(t *testing.T) {
	for kind, status := range workflowClosings {
		svc := &fakeService{pages: [][]*historypb.HistoryEvent{{started(1), scheduled(5, "1"), event(9, kind)}}}
		found, err := Read(context.Background(), svc, "ns", token)
		if err != nil || found.WorkflowClosed == nil || found.WorkflowClosed.Status != status || !found.WorkflowClosed.Time.Equal(t0.Add(9*time.Second)) {
			t.Errorf("%v: %+v, %v", kind, found, err)
		}
		if len(svc.describes) != 0 {
			t.Errorf("%v: described a closed Workflow", kind)
		}
	}
}

func TestAClosingEventAndTheWorkflowsCloseAreBothFound(t *testing.T) {
	svc := &fakeService{pages: [][]*historypb.HistoryEvent{{scheduled(5, "1"), timedOut(6, 5, enumspb.TIMEOUT_TYPE_UNSPECIFIED), event(9, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED)}}}
	found, err := Read(context.Background(), svc, "ns", token)
	if err != nil || found.Closing == nil || found.WorkflowClosed == nil || found.WorkflowClosed.Status != enumspb.WORKFLOW_EXECUTION_STATUS_FAILED {
		t.Errorf("Read = %+v, %v", found, err)
	}
}

func TestATokenWhoseScheduleIsNotInTheHistoryIsNotOpen(t *testing.T) {
	svc := &fakeService{pages: [][]*historypb.HistoryEvent{{started(1), scheduled(9, "1")}}}
	if found, err := Read(context.Background(), svc, "ns", token); err != nil || found != (model.Finding{}) || len(svc.describes) != 0 {
		t.Errorf("Read = %+v, %v, %d describes", found, err, len(svc.describes))
	}
}

func TestAnActivityPendingByTheHistoryIsOpen(t *testing.T) {
	pages := [][]*historypb.HistoryEvent{{started(1), scheduled(5, "1")}}
	for _, target := range []model.Target{token, byIDs} {
		svc := &fakeService{pages: pages}
		if found, err := Read(context.Background(), svc, "ns", target); err != nil || found != (model.Finding{Open: true}) || len(svc.describes) != 0 {
			t.Errorf("%+v: Read = %+v, %v, %d describes; want open, no describe", target, found, err, len(svc.describes))
		}
	}
}

func TestARunThatDoesNotExist(t *testing.T) {
	for _, err := range []error{serviceerror.NewNotFound("workflow execution not found"), serviceerror.NewNamespaceNotFound("ns")} {
		svc := &fakeService{err: err}
		if found, err := Read(context.Background(), svc, "ns", token); err != nil || !found.NoRun {
			t.Errorf("Read = %+v, %v; want NoRun", found, err)
		}
	}
}

func TestAHistoryThatCannotBeReadIsAnError(t *testing.T) {
	pages := [][]*historypb.HistoryEvent{{started(1), scheduled(5, "1"), activityStarted(6, 5, 1)}, {completed(t, 7, 5, "r", "i")}}
	for _, err := range []error{
		serviceerror.NewUnavailable("connection refused"),
		serviceerror.NewPermissionDenied("no", ""),
	} {
		svc := &fakeService{pages: pages, err: err, errPage: 1}
		if found, got := Read(context.Background(), svc, "ns", token); !errors.Is(got, err) || found != (model.Finding{}) {
			t.Errorf("Read with %v on page 2 = %+v, %v", err, found, got)
		}
	}
	// Bounded by its context.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := Read(ctx, &fakeService{block: true}, "ns", token); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Read past its deadline = %v", err)
	}
	// A raw page that does not decode.
	bad := &badRaw{}
	if _, err := Read(context.Background(), bad, "ns", token); err == nil {
		t.Error("a raw page that does not decode was read")
	}
}

type badRaw struct{ fakeService }

func (b *badRaw) GetWorkflowExecutionHistory(context.Context, *workflowservice.GetWorkflowExecutionHistoryRequest, ...grpc.CallOption) (*workflowservice.GetWorkflowExecutionHistoryResponse, error) {
	return &workflowservice.GetWorkflowExecutionHistoryResponse{RawHistory: []*commonpb.DataBlob{{EncodingType: enumspb.ENCODING_TYPE_PROTO3, Data: []byte{0xff}}}}, nil
}
