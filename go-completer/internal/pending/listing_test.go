package pending

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
)

// fakeService serves visibility pages and describes from tables.
type fakeService struct {
	pages       [][]*workflowpb.WorkflowExecutionInfo
	listErr     error
	described   map[string]*workflowservice.DescribeWorkflowExecutionResponse
	describeErr map[string]error
	delay       time.Duration

	mu        sync.Mutex
	requests  []*workflowservice.ListWorkflowExecutionsRequest
	describes []string
	inFlight  int
	most      int
}

func (f *fakeService) ListWorkflow(ctx context.Context, request *workflowservice.ListWorkflowExecutionsRequest) (*workflowservice.ListWorkflowExecutionsResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := ctx.Deadline(); !ok {
		return nil, errors.New("a visibility request without a deadline")
	}
	f.requests = append(f.requests, request)
	if f.listErr != nil {
		return nil, f.listErr
	}
	page := 0
	if len(request.NextPageToken) > 0 {
		page, _ = strconv.Atoi(string(request.NextPageToken))
	}
	response := &workflowservice.ListWorkflowExecutionsResponse{}
	if page < len(f.pages) {
		response.Executions = f.pages[page]
	}
	if page+1 < len(f.pages) {
		response.NextPageToken = []byte(strconv.Itoa(page + 1))
	}
	return response, nil
}

func (f *fakeService) DescribeWorkflowExecution(ctx context.Context, workflowID, runID string) (*workflowservice.DescribeWorkflowExecutionResponse, error) {
	f.mu.Lock()
	f.describes = append(f.describes, workflowID+"/"+runID)
	f.inFlight++
	f.most = max(f.most, f.inFlight)
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.inFlight--
		f.mu.Unlock()
	}()
	if _, ok := ctx.Deadline(); !ok {
		return nil, errors.New("a describe without a deadline")
	}
	select {
	case <-time.After(f.delay):
	case <-ctx.Done():
		return nil, serviceerror.NewDeadlineExceeded(ctx.Err().Error())
	}
	if err := f.describeErr[workflowID]; err != nil {
		return nil, err
	}
	if response, ok := f.described[workflowID]; ok {
		return response, nil
	}
	return nil, serviceerror.NewNotFound("workflow not found for ID: " + workflowID)
}

func visible(workflowID string, status enumspb.WorkflowExecutionStatus) *workflowpb.WorkflowExecutionInfo {
	return &workflowpb.WorkflowExecutionInfo{
		Execution: &commonpb.WorkflowExecution{WorkflowId: workflowID, RunId: "run-" + workflowID},
		Status:    status,
	}
}

func running(workflowID string) *workflowpb.WorkflowExecutionInfo {
	return visible(workflowID, enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING)
}

func describedWith(workflowID string, activityIDs ...string) *workflowservice.DescribeWorkflowExecutionResponse {
	response := &workflowservice.DescribeWorkflowExecutionResponse{WorkflowExecutionInfo: running(workflowID)}
	for _, id := range activityIDs {
		response.PendingActivities = append(response.PendingActivities, &workflowpb.PendingActivityInfo{ActivityId: id})
	}
	return response
}

// recorder keeps what the handlers received.
type recorder struct {
	described []string
	pages     [][]string
	failOn    string
}

func (r *recorder) handlers() Handlers {
	return Handlers{
		Described: func(w Workflow) error {
			var ids []string
			for _, a := range w.Activities {
				ids = append(ids, a.ActivityID)
				if a.WorkflowID != w.WorkflowID || a.RunID != w.RunID {
					return fmt.Errorf("activity %+v of Workflow %s/%s", a, w.WorkflowID, w.RunID)
				}
			}
			if w.Err != nil {
				ids = append(ids, "error: "+w.Err.Error())
			}
			r.described = append(r.described, fmt.Sprintf("%s/%s%v", w.WorkflowID, w.RunID, ids))
			if w.WorkflowID == r.failOn {
				return errors.New("handler failed")
			}
			return nil
		},
		PageDone: func(page []Workflow) error {
			var ids []string
			for _, w := range page {
				ids = append(ids, w.WorkflowID)
			}
			slices.Sort(ids)
			r.pages = append(r.pages, ids)
			return nil
		},
	}
}

func options() Options {
	return Options{Query: "Q", PageSize: 2, Concurrency: 4, RPCTimeout: time.Second, Gone: func(err error) bool {
		var notFound *serviceerror.NotFound
		return errors.As(err, &notFound)
	}}
}

func TestListPagesAndDescribesTheRunningWorkflows(t *testing.T) {
	svc := &fakeService{
		pages: [][]*workflowpb.WorkflowExecutionInfo{
			{running("a"), running("b")},
			{visible("closed", enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED), running("c")},
			{running("gone"), running("closed-since")},
			{},
			{running("d")},
		},
		described: map[string]*workflowservice.DescribeWorkflowExecutionResponse{
			"a":            describedWith("a", "1", "2"),
			"b":            describedWith("b"),
			"c":            describedWith("c", "x"),
			"d":            describedWith("d", "1"),
			"closed-since": {WorkflowExecutionInfo: visible("closed-since", enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED)},
		},
	}
	r := &recorder{}
	if err := List(context.Background(), svc, options(), r.handlers()); err != nil {
		t.Fatalf("List() = %v", err)
	}
	slices.Sort(r.described)
	if want := []string{"a/run-a[1 2]", "b/run-b[]", "c/run-c[x]", "d/run-d[1]"}; !slices.Equal(r.described, want) {
		t.Errorf("described %q, want %q", r.described, want)
	}
	if got := fmt.Sprint(r.pages); got != "[[a b] [c] [] [] [d]]" {
		t.Errorf("pages %s", got)
	}
	if len(svc.requests) != 5 {
		t.Fatalf("%d visibility requests, want 5", len(svc.requests))
	}
	for i, request := range svc.requests {
		wantToken := ""
		if i > 0 {
			wantToken = strconv.Itoa(i)
		}
		if request.Query != "Q" || request.PageSize != 2 || string(request.NextPageToken) != wantToken {
			t.Errorf("request %d: %v", i, request)
		}
	}
	if slices.Contains(svc.describes, "closed/run-closed") {
		t.Error("a Workflow closed in visibility was described")
	}
}

func TestListKeepsToTheConcurrency(t *testing.T) {
	var page []*workflowpb.WorkflowExecutionInfo
	described := map[string]*workflowservice.DescribeWorkflowExecutionResponse{}
	for i := range 30 {
		id := fmt.Sprint("w", i)
		page = append(page, running(id))
		described[id] = describedWith(id, "1")
	}
	for _, concurrency := range []int{1, 3, 10} {
		svc := &fakeService{pages: [][]*workflowpb.WorkflowExecutionInfo{page}, described: described, delay: 2 * time.Millisecond}
		opts := options()
		opts.Concurrency = concurrency
		r := &recorder{}
		if err := List(context.Background(), svc, opts, r.handlers()); err != nil {
			t.Fatalf("List() = %v", err)
		}
		if len(r.described) != 30 || svc.most > concurrency || (concurrency > 1 && svc.most < 2) {
			t.Errorf("concurrency %d: %d described, %d in flight at most", concurrency, len(r.described), svc.most)
		}
	}
}

func TestListOneWorkflow(t *testing.T) {
	svc := &fakeService{described: map[string]*workflowservice.DescribeWorkflowExecutionResponse{"a": describedWith("a", "1")}}
	opts := options()
	opts.WorkflowID = "a"
	r := &recorder{}
	if err := List(context.Background(), svc, opts, r.handlers()); err != nil {
		t.Fatalf("List() = %v", err)
	}
	// Its latest run, by describe alone: no visibility.
	if len(svc.requests) != 0 || !slices.Equal(svc.describes, []string{"a/"}) || fmt.Sprint(r.described, r.pages) != "[a/run-a[1]] [[a]]" {
		t.Errorf("requests %v, describes %v, described %v, pages %v", svc.requests, svc.describes, r.described, r.pages)
	}

	opts.WorkflowID = "nobody"
	r = &recorder{}
	if err := List(context.Background(), svc, opts, r.handlers()); err != nil || len(r.described) != 0 || fmt.Sprint(r.pages) != "[[]]" {
		t.Errorf("a Workflow that is not there: %v, described %v, pages %v", err, r.described, r.pages)
	}
}

func TestListStopsAtTheFirstError(t *testing.T) {
	refused := serviceerror.NewPermissionDenied("no", "")
	t.Run("visibility", func(t *testing.T) {
		svc := &fakeService{listErr: serviceerror.NewInvalidArgument("bad query")}
		err := List(context.Background(), svc, options(), (&recorder{}).handlers())
		var requestErr *RequestError
		if !errors.As(err, &requestErr) || !requestErr.Query || requestErr.TimedOut {
			t.Errorf("List() = %#v, want a RequestError of the query", err)
		}
	})
	t.Run("the describe of a Workflow ID", func(t *testing.T) {
		svc := &fakeService{describeErr: map[string]error{"a": refused}}
		opts := options()
		opts.WorkflowID = "a"
		err := List(context.Background(), svc, opts, (&recorder{}).handlers())
		var requestErr *RequestError
		if !errors.As(err, &requestErr) || requestErr.Query || !errors.Is(err, refused) {
			t.Errorf("List() = %v, want the describe's refusal", err)
		}
	})
	t.Run("a describe of a Workflow ID that takes longer than the timeout", func(t *testing.T) {
		svc := &fakeService{delay: time.Second}
		opts := options()
		opts.WorkflowID = "a"
		opts.RPCTimeout = 20 * time.Millisecond
		err := List(context.Background(), svc, opts, (&recorder{}).handlers())
		var requestErr *RequestError
		if !errors.As(err, &requestErr) || !requestErr.TimedOut {
			t.Errorf("List() = %v, want a timed-out RequestError", err)
		}
	})
	t.Run("a handler", func(t *testing.T) {
		svc := &fakeService{
			pages:     [][]*workflowpb.WorkflowExecutionInfo{{running("a")}, {running("b")}},
			described: map[string]*workflowservice.DescribeWorkflowExecutionResponse{"a": describedWith("a"), "b": describedWith("b")},
		}
		r := &recorder{failOn: "a"}
		if err := List(context.Background(), svc, options(), r.handlers()); err == nil || err.Error() != "handler failed" {
			t.Errorf("List() = %v, want the handler's error as it is", err)
		}
		if len(r.pages) != 0 || len(svc.requests) != 1 {
			t.Errorf("went on after the handler failed: pages %v, %d requests", r.pages, len(svc.requests))
		}
	})
}

// One Workflow that cannot be described, for any reason, never hides the
// others: it is handed on with its error, and the listing goes on.
func TestAWorkflowThatCannotBeDescribedIsListedWithItsError(t *testing.T) {
	refused := serviceerror.NewPermissionDenied("no", "")
	t.Run("refused", func(t *testing.T) {
		svc := &fakeService{
			pages:       [][]*workflowpb.WorkflowExecutionInfo{{running("a"), running("b")}, {running("c")}},
			described:   map[string]*workflowservice.DescribeWorkflowExecutionResponse{"a": describedWith("a", "1"), "c": describedWith("c", "2")},
			describeErr: map[string]error{"b": refused},
		}
		r := &recorder{}
		if err := List(context.Background(), svc, options(), r.handlers()); err != nil {
			t.Fatalf("List() = %v", err)
		}
		slices.Sort(r.described)
		want := "[a/run-a[1] b/run-b[error: describing a Workflow: no] c/run-c[2]]"
		if got := fmt.Sprint(r.described); got != want {
			t.Errorf("described %s, want %s", got, want)
		}
		if got := fmt.Sprint(r.pages); got != "[[a b] [c]]" {
			t.Errorf("pages %s", got)
		}
	})
	t.Run("timed out", func(t *testing.T) {
		svc := &fakeService{pages: [][]*workflowpb.WorkflowExecutionInfo{{running("a")}}, delay: time.Second}
		opts := options()
		opts.RPCTimeout = 20 * time.Millisecond
		var got []Workflow
		h := Handlers{Described: func(w Workflow) error { got = append(got, w); return nil }, PageDone: func([]Workflow) error { return nil }}
		if err := List(context.Background(), svc, opts, h); err != nil {
			t.Fatalf("List() = %v", err)
		}
		var requestErr *RequestError
		if len(got) != 1 || !errors.As(got[0].Err, &requestErr) || !requestErr.TimedOut {
			t.Errorf("described %+v, want a timed-out RequestError", got)
		}
	})
}
