package cli

import (
	"context"
	"strconv"
	"sync"
	"time"

	activitypb "go.temporal.io/api/activity/v1"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	sdkpb "go.temporal.io/api/sdk/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
)

// fakeVisibility answers list's requests: the visibility pages in order, and
// describes from a table of Workflows. It is safe for concurrent use.
type fakeVisibility struct {
	// pages are the Workflows of each visibility page, in order.
	pages [][]*workflowpb.WorkflowExecutionInfo
	// listErr, when set, answers the visibility request of page listErrPage.
	listErr     error
	listErrPage int
	// described answers a describe by Workflow ID; a Workflow not in it is
	// answered with describeErr.
	described   map[string]*workflowservice.DescribeWorkflowExecutionResponse
	describeErr error
	// describeDelay is how long each describe takes.
	describeDelay time.Duration
	// standalone are the running standalone Activities, one page.
	standalone      []*activitypb.ActivityExecutionInfo
	activityQueries []string

	mu               sync.Mutex
	requests         []*workflowservice.ListWorkflowExecutionsRequest
	describes        []string
	describeInFlight int
	maxDescribes     int
}

func (v *fakeVisibility) ListWorkflow(ctx context.Context, request *workflowservice.ListWorkflowExecutionsRequest) (*workflowservice.ListWorkflowExecutionsResponse, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.requests = append(v.requests, request)
	page := 0
	if len(request.NextPageToken) > 0 {
		page, _ = strconv.Atoi(string(request.NextPageToken))
	}
	if v.listErr != nil && page == v.listErrPage {
		return nil, v.listErr
	}
	response := &workflowservice.ListWorkflowExecutionsResponse{}
	if page < len(v.pages) {
		response.Executions = v.pages[page]
	}
	if page+1 < len(v.pages) {
		response.NextPageToken = []byte(strconv.Itoa(page + 1))
	}
	return response, nil
}

func (v *fakeVisibility) DescribeWorkflowExecution(ctx context.Context, workflowID, runID string) (*workflowservice.DescribeWorkflowExecutionResponse, error) {
	v.mu.Lock()
	v.describes = append(v.describes, workflowID+"/"+runID)
	v.describeInFlight++
	v.maxDescribes = max(v.maxDescribes, v.describeInFlight)
	v.mu.Unlock()
	defer func() {
		v.mu.Lock()
		v.describeInFlight--
		v.mu.Unlock()
	}()
	select {
	case <-time.After(v.describeDelay):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if response, ok := v.described[workflowID]; ok {
		return response, nil
	}
	return nil, v.describeErr
}

// running is a visibility entry of a running Workflow.
func running(workflowID, runID string) *workflowpb.WorkflowExecutionInfo {
	return &workflowpb.WorkflowExecutionInfo{
		Execution: &commonpb.WorkflowExecution{WorkflowId: workflowID, RunId: runID},
		Status:    enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING,
	}
}

// describeResponse is a running Workflow's describe with these pending
// Activities.
func describeResponse(workflowID, runID string, activities ...*workflowpb.PendingActivityInfo) *workflowservice.DescribeWorkflowExecutionResponse {
	return &workflowservice.DescribeWorkflowExecutionResponse{
		WorkflowExecutionInfo: running(workflowID, runID),
		PendingActivities:     activities,
	}
}

// listClient is a fake client with listFixture's visibility, and a history
// for each Workflow with a pending Activity: what each asks.
func listClient(now time.Time) *fakeClient {
	json := func(data string) *commonpb.Payload {
		return &commonpb.Payload{Metadata: map[string][]byte{"encoding": []byte("json/plain")}, Data: []byte(data)}
	}
	return &fakeClient{fakeVisibility: listFixture(now), histories: map[string][]*historypb.HistoryEvent{
		"order-17": {scheduled(5, "1", json(`"Pay invoice 17 of 1,200 EUR"`), nil)},
		"order-18": {scheduled(5, "1", json(`{ "invoice": 18 }`), json(`"Pay invoice 18 <now>"`))},
		// A later schedule of the same Activity ID is the pending one.
		"order-19": {scheduled(5, "1", json(`"old"`), nil), scheduled(9, "1", &commonpb.Payload{Metadata: map[string][]byte{"encoding": []byte("binary/plain")}, Data: []byte{0, 1}}, nil)},
	}}
}

// scheduled is an Activity's scheduled event with one argument and a summary
// (nil: none).
func scheduled(id int64, activityID string, input, summary *commonpb.Payload) *historypb.HistoryEvent {
	event := &historypb.HistoryEvent{EventId: id, EventType: enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
		Attributes: &historypb.HistoryEvent_ActivityTaskScheduledEventAttributes{ActivityTaskScheduledEventAttributes: &historypb.ActivityTaskScheduledEventAttributes{
			ActivityId: activityID, Input: &commonpb.Payloads{Payloads: []*commonpb.Payload{input}},
		}}}
	if summary != nil {
		event.UserMetadata = &sdkpb.UserMetadata{Summary: summary}
	}
	return event
}
