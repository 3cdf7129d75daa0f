// Package history reads what closed an Activity from its Workflow's history:
// the only state the completers have. It is read after the server refused a
// request because the Activity is not pending any more, never on the happy
// path: then it tells a repeat of what closed the Activity (repeat.go) from
// anything else. It is a pure read: package send decides what to answer, and
// package lines words it.
package history

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/async-completion/go-completer/internal/model"
	"github.com/async-completion/go-completer/internal/telemetry"
)

// Service is the part of the WorkflowService that the reading uses.
type Service interface {
	GetWorkflowExecutionHistory(ctx context.Context, request *workflowservice.GetWorkflowExecutionHistoryRequest, opts ...grpc.CallOption) (*workflowservice.GetWorkflowExecutionHistoryResponse, error)
}

// Read reads the run's history, page by page, and finds the Activity's
// events. ctx bounds the whole read. Its error is a history that could not be
// read; a run that does not exist (NOT_FOUND) is no error (Finding.NoRun).
func Read(ctx context.Context, svc Service, namespace string, t model.Target) (model.Finding, error) {
	found, err := read(ctx, svc, namespace, t)
	if err != nil && notFound(err) {
		return model.Finding{NoRun: true}, nil
	}
	return found, err
}

// pageSize is the events per history page that ASYNC_COMPLETER_HISTORY_PAGE_SIZE
// asks for (docs/completer-cli.md), else 0: the server's default.
func pageSize() int32 {
	size, err := strconv.ParseUint(os.Getenv("ASYNC_COMPLETER_HISTORY_PAGE_SIZE"), 10, 32)
	if err != nil || size < 1 || size > 1000 {
		return 0
	}
	return int32(size)
}

func read(ctx context.Context, svc Service, namespace string, t model.Target) (model.Finding, error) {
	s := scan{target: t, scheduledID: t.ScheduledEventID}
	execution := &commonpb.WorkflowExecution{WorkflowId: t.WorkflowID, RunId: t.RunID}
	if err := eachEvent(ctx, svc, namespace, execution, s.add); err != nil {
		return model.Finding{}, err
	}
	found := model.Finding{Closing: s.closing(), WorkflowClosed: s.workflowClose}
	found.Open = found.Closing == nil && found.WorkflowClosed == nil && s.scheduled[s.scheduledID]
	return found, nil
}

// eachEvent hands the run's events to see in order, read a page at a time
// (ASYNC_COMPLETER_HISTORY_PAGE_SIZE): only one page is held at a time. ctx
// bounds the whole read.
func eachEvent(ctx context.Context, svc Service, namespace string, execution *commonpb.WorkflowExecution, see func(*historypb.HistoryEvent)) error {
	var next []byte
	for {
		pageCtx, done := telemetry.Call(ctx, "history", true)
		page, err := svc.GetWorkflowExecutionHistory(pageCtx, &workflowservice.GetWorkflowExecutionHistoryRequest{
			Namespace:              namespace,
			Execution:              execution,
			NextPageToken:          next,
			MaximumPageSize:        pageSize(),
			HistoryEventFilterType: enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT,
		})
		done(err)
		if err != nil {
			return err
		}
		events, err := pageEvents(page)
		if err != nil {
			return err
		}
		for _, event := range events {
			see(event)
		}
		if next = page.GetNextPageToken(); len(next) == 0 {
			return nil
		}
	}
}

// scan gathers the events of the Activity, in the order of the history.
type scan struct {
	target model.Target
	// scheduledID is the Activity's scheduled event: the token's, or by IDs
	// the last one scheduled with the Activity ID so far.
	scheduledID int64
	// By scheduled event ID, since a request by IDs learns which scheduled
	// event is the Activity's only once the whole history is read.
	scheduled     map[int64]bool
	started       map[int64]*historypb.HistoryEvent
	closed        map[int64]*historypb.HistoryEvent
	workflowClose *model.WorkflowClose
}

func (s *scan) add(event *historypb.HistoryEvent) {
	switch event.GetEventType() {
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
		if s.target.ScheduledEventID == 0 && event.GetActivityTaskScheduledEventAttributes().GetActivityId() == s.target.ActivityID {
			s.scheduledID = event.GetEventId()
		}
		if event.GetEventId() == s.scheduledID {
			if s.scheduled == nil {
				s.scheduled = map[int64]bool{}
			}
			s.scheduled[s.scheduledID] = true
		}
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_STARTED:
		s.note(&s.started, event.GetActivityTaskStartedEventAttributes().GetScheduledEventId(), event)
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
		s.note(&s.closed, event.GetActivityTaskCompletedEventAttributes().GetScheduledEventId(), event)
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_FAILED:
		s.note(&s.closed, event.GetActivityTaskFailedEventAttributes().GetScheduledEventId(), event)
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
		s.note(&s.closed, event.GetActivityTaskTimedOutEventAttributes().GetScheduledEventId(), event)
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_CANCELED:
		s.note(&s.closed, event.GetActivityTaskCanceledEventAttributes().GetScheduledEventId(), event)
	default:
		if status, ok := workflowClosings[event.GetEventType()]; ok {
			s.workflowClose = &model.WorkflowClose{Status: status, Time: event.GetEventTime().AsTime()}
		}
	}
}

// note keeps an Activity event by its scheduled event ID. Only the events of
// the Activity's own schedule are kept where it is known (a token's).
func (s *scan) note(events *map[int64]*historypb.HistoryEvent, scheduledID int64, event *historypb.HistoryEvent) {
	if s.target.ScheduledEventID != 0 && scheduledID != s.target.ScheduledEventID {
		return
	}
	if *events == nil {
		*events = map[int64]*historypb.HistoryEvent{}
	}
	(*events)[scheduledID] = event
}

// workflowClosings are the events that close a Workflow run, and the status
// each leaves it in.
var workflowClosings = map[enumspb.EventType]enumspb.WorkflowExecutionStatus{
	enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:        enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED,
	enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:           enumspb.WORKFLOW_EXECUTION_STATUS_FAILED,
	enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:       enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED,
	enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:         enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED,
	enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:        enumspb.WORKFLOW_EXECUTION_STATUS_TIMED_OUT,
	enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW: enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW,
}

// closing is the Activity's closing event, or nil when it has none.
func (s *scan) closing() *model.Closing {
	if s.scheduledID == 0 {
		return nil
	}
	event := s.closed[s.scheduledID]
	if event == nil {
		return nil
	}
	c := &model.Closing{
		Time:    event.GetEventTime().AsTime(),
		Attempt: s.started[s.scheduledID].GetActivityTaskStartedEventAttributes().GetAttempt(),
	}
	switch event.GetEventType() {
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
		attributes := event.GetActivityTaskCompletedEventAttributes()
		c.Kind, c.Identity, c.Result = model.Completed, attributes.GetIdentity(), attributes.GetResult()
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_FAILED:
		attributes := event.GetActivityTaskFailedEventAttributes()
		c.Kind, c.Identity, c.Failure = model.Failed, attributes.GetIdentity(), attributes.GetFailure()
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
		c.Kind, c.Failure = model.TimedOut, event.GetActivityTaskTimedOutEventAttributes().GetFailure()
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_CANCELED:
		attributes := event.GetActivityTaskCanceledEventAttributes()
		c.Kind, c.Identity, c.Details = model.Canceled, attributes.GetIdentity(), attributes.GetDetails()
	}
	return c
}

// pageEvents are a page's events. A server configured to send raw history
// sends them as blobs of the History message instead.
func pageEvents(page *workflowservice.GetWorkflowExecutionHistoryResponse) ([]*historypb.HistoryEvent, error) {
	if len(page.GetRawHistory()) == 0 {
		return page.GetHistory().GetEvents(), nil
	}
	var events []*historypb.HistoryEvent
	for _, blob := range page.GetRawHistory() {
		if blob.GetEncodingType() != enumspb.ENCODING_TYPE_PROTO3 {
			return nil, fmt.Errorf("a history page in the encoding %s", blob.GetEncodingType())
		}
		var h historypb.History
		if err := proto.Unmarshal(blob.GetData(), &h); err != nil {
			return nil, fmt.Errorf("a history page that does not decode: %w", err)
		}
		events = append(events, h.GetEvents()...)
	}
	return events, nil
}

// notFound reports whether err is NOT_FOUND: the Workflow run does not exist
// (as the server knows it).
func notFound(err error) bool {
	var serviceErr serviceerror.ServiceError
	if errors.As(err, &serviceErr) {
		return serviceErr.Status().Code() == codes.NotFound
	}
	return status.Code(err) == codes.NotFound
}
