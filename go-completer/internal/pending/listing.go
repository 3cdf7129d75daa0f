package pending

import (
	"context"
	"errors"
	"sync"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/async-completion/go-completer/internal/history"
	"github.com/async-completion/go-completer/internal/telemetry"
)

// Service is the part of client.Client that the listing reads.
type Service interface {
	ListWorkflow(ctx context.Context, request *workflowservice.ListWorkflowExecutionsRequest) (*workflowservice.ListWorkflowExecutionsResponse, error)
	DescribeWorkflowExecution(ctx context.Context, workflowID, runID string) (*workflowservice.DescribeWorkflowExecutionResponse, error)
}

// Options say what to list and how.
type Options struct {
	// WorkflowID, when set, lists that Workflow alone (its latest run), with a
	// describe and no visibility, so with no visibility lag. Else Query is the
	// visibility query.
	WorkflowID string
	Query      string
	PageSize   int
	// Concurrency is the most describes in flight.
	Concurrency int
	// RPCTimeout bounds each request on its own.
	RPCTimeout time.Duration
	// History, when set, is read for what the pending Activities of each
	// described Workflow ask (one paged read of its run, bounded by
	// RPCTimeout as a whole); nil leaves the histories unread (list
	// --no-input). Namespace is the namespace it is read in.
	History   history.Service
	Namespace string
	// Gone reports whether a describe's error means that the Workflow is not
	// there any more (deleted since visibility listed it): it is left out.
	Gone func(err error) bool
}

// RequestError is a request of the listing that failed.
type RequestError struct {
	// Query is whether the request was the visibility query rather than a
	// describe.
	Query bool
	// TimedOut is whether the request's own deadline had passed.
	TimedOut bool
	Err      error
}

func (e *RequestError) Error() string {
	if e.Query {
		return "listing Workflows: " + e.Err.Error()
	}
	return "describing a Workflow: " + e.Err.Error()
}

func (e *RequestError) Unwrap() error { return e.Err }

// Handlers receive what the listing finds. Described is called with each
// running Workflow as its describe returns, one call at a time, also with one
// whose describe failed (its Err set): one Workflow that cannot be described
// never hides the others. PageDone with
// the running Workflows of a visibility page once all are described (for
// WorkflowID, the one Workflow, or none). An error of theirs stops the
// listing and is returned as it is.
type Handlers struct {
	// Found counts the Workflows found: every one a visibility page returned,
	// closed ones included, or for a Workflow ID 1 when it exists.
	Found     func(n int)
	Described func(Workflow) error
	PageDone  func([]Workflow) error
}

// List pages through the Workflows of opts, describes each running one, and
// hands what it finds to h. It holds one page at a time: memory stays flat
// in the number of Workflows.
func List(ctx context.Context, svc Service, opts Options, h Handlers) error {
	if opts.WorkflowID != "" {
		return describePage(ctx, svc, opts, h, []execution{{workflowID: opts.WorkflowID}}, true)
	}
	var next []byte
	for {
		page, err := listPage(ctx, svc, opts, next)
		if err != nil {
			return err
		}
		h.found(len(page.GetExecutions()))
		running := make([]execution, 0, len(page.GetExecutions()))
		for _, info := range page.GetExecutions() {
			// A closed Workflow has nothing pending: no describe for it.
			if info.GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
				running = append(running, execution{info.GetExecution().GetWorkflowId(), info.GetExecution().GetRunId()})
			}
		}
		if err := describePage(ctx, svc, opts, h, running, false); err != nil {
			return err
		}
		if next = page.GetNextPageToken(); len(next) == 0 {
			return nil
		}
	}
}

type execution struct {
	workflowID string
	runID      string
}

func listPage(ctx context.Context, svc Service, opts Options, next []byte) (*workflowservice.ListWorkflowExecutionsResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, opts.RPCTimeout)
	defer cancel()
	callCtx, done := telemetry.Call(ctx, "list", true)
	page, err := svc.ListWorkflow(callCtx, &workflowservice.ListWorkflowExecutionsRequest{
		PageSize:      int32(opts.PageSize),
		NextPageToken: next,
		Query:         opts.Query,
	})
	done(err)
	if err != nil {
		return nil, &RequestError{Query: true, TimedOut: errors.Is(ctx.Err(), context.DeadlineExceeded), Err: err}
	}
	return page, nil
}

// found calls Found, which a caller that does not count may leave nil.
func (h Handlers) found(n int) {
	if h.Found != nil {
		h.Found(n)
	}
}

// describePage describes the executions with at most opts.Concurrency in
// flight. A describe that fails, when visibility listed the Workflow, is a
// Workflow with Err; the first other error (a handler's; a describe's for a
// Workflow ID, which is the whole listing) cancels the describes still in
// flight and is the one returned. countFound is whether the describes
// themselves tell which Workflows exist (a Workflow ID), rather than
// visibility.
func describePage(ctx context.Context, svc Service, opts Options, h Handlers, executions []execution, countFound bool) error {
	var found []Workflow
	err := describeBounded(ctx, opts.Concurrency, executions, func(ctx context.Context, e execution) func() error {
		w, state, err := describe(ctx, svc, opts, e)
		return func() error {
			switch {
			case err != nil && (countFound || ctx.Err() != nil):
				return err
			case err != nil:
				w, state = Workflow{WorkflowID: e.workflowID, RunID: e.runID, Err: err}, foundRunning
			}
			if countFound && state != foundGone {
				h.found(1)
			}
			if state != foundRunning {
				return nil
			}
			found = append(found, w)
			return h.Described(w)
		}
	})
	if err != nil {
		return err
	}
	return h.PageDone(found)
}

// describeBounded calls describe for each item, at most concurrency in
// flight, and runs the step each returns one at a time, in the order the
// describes end. The first error a step returns cancels the describes still
// in flight (the context describe is given), no step runs after it, and it is
// the one returned; else the caller's context's error once it is done (the
// listing is over). Mirrors describe_bounded in the Python completer's
// pending/listing.py.
func describeBounded[T any](ctx context.Context, concurrency int, items []T, describe func(ctx context.Context, item T) (step func() error)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	slots := make(chan struct{}, max(concurrency, 1))
	for _, item := range items {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-slots }()
			step := describe(ctx, item)
			mu.Lock()
			defer mu.Unlock()
			if firstErr != nil {
				return
			}
			if err := step(); err != nil {
				firstErr = err
				cancel()
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

// What a describe found of a Workflow.
type foundAs int

const (
	foundGone   foundAs = iota // deleted, or never there
	foundClosed                // closed since it was listed: nothing pending
	foundRunning
)

// describe reads one Workflow's pending Activities. A Workflow that closed
// or went away since it was listed is left out.
func describe(ctx context.Context, svc Service, opts Options, e execution) (w Workflow, found foundAs, err error) {
	describeCtx, cancel := context.WithTimeout(ctx, opts.RPCTimeout)
	defer cancel()
	callCtx, done := telemetry.Call(describeCtx, "describe", true)
	resp, err := svc.DescribeWorkflowExecution(callCtx, e.workflowID, e.runID)
	done(err)
	if err != nil {
		if opts.Gone != nil && opts.Gone(err) {
			return Workflow{}, foundGone, nil
		}
		return Workflow{}, foundGone, &RequestError{TimedOut: errors.Is(describeCtx.Err(), context.DeadlineExceeded), Err: err}
	}
	info := resp.GetWorkflowExecutionInfo()
	if info.GetStatus() != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		return Workflow{}, foundClosed, nil
	}
	w = Workflow{WorkflowID: info.GetExecution().GetWorkflowId(), RunID: info.GetExecution().GetRunId()}
	if w.WorkflowID == "" {
		w.WorkflowID, w.RunID = e.workflowID, e.runID
	}
	for _, activity := range resp.GetPendingActivities() {
		w.Activities = append(w.Activities, newActivity(w.WorkflowID, w.RunID, activity))
	}
	if opts.History == nil || len(w.Activities) == 0 {
		return w, foundRunning, nil
	}
	if err := addAsked(ctx, opts, &w); err != nil {
		var requestErr *RequestError
		if errors.As(err, &requestErr) && opts.Gone != nil && opts.Gone(requestErr.Err) {
			return Workflow{}, foundGone, nil // deleted since its describe
		}
		return Workflow{}, foundGone, err
	}
	return w, foundRunning, nil
}

// addAsked reads the Workflow's history once, bounded by RPCTimeout as a
// whole, for what each of its pending Activities asks.
func addAsked(ctx context.Context, opts Options, w *Workflow) error {
	ctx, cancel := context.WithTimeout(ctx, opts.RPCTimeout)
	defer cancel()
	ids := make(map[string]bool, len(w.Activities))
	for _, a := range w.Activities {
		ids[a.ActivityID] = true
	}
	execution := &commonpb.WorkflowExecution{WorkflowId: w.WorkflowID, RunId: w.RunID}
	asked, err := history.ReadAsked(ctx, opts.History, opts.Namespace, execution, ids)
	if err != nil {
		return &RequestError{TimedOut: errors.Is(ctx.Err(), context.DeadlineExceeded), Err: err}
	}
	for i := range w.Activities {
		w.Activities[i].Asked = asked[w.Activities[i].ActivityID]
	}
	return nil
}
