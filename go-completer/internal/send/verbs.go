package send

import (
	"context"

	commonpb "go.temporal.io/api/common/v1"
	failurepb "go.temporal.io/api/failure/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"

	"github.com/async-completion/go-completer/internal/lines"
	"github.com/async-completion/go-completer/internal/model"
)

// The verbs that send a request about one Activity.
const (
	Complete  = "complete"
	Fail      = "fail"
	Heartbeat = "heartbeat"
	Cancel    = "cancel"
)

// Verb is what a verb about one Activity sends, by token and by IDs, its line
// when the server accepted it, and the history event it writes.
type Verb struct {
	// Closes is the history event the verb writes, 0 for a heartbeat.
	Closes model.Kind
	// Succeeded is the verb's line when the server accepted the request.
	Succeeded func(j *model.Job) string
	// carries encodes what the request carries: a result, a failure or
	// details.
	carries func(j *model.Job) (carried, error)
	byToken func(ctx context.Context, svc Service, a address, c carried) error
	byIDs   func(ctx context.Context, svc Service, a address, c carried) error
}

// carried is what a request carries besides the Activity's address.
type carried struct {
	payloads *commonpb.Payloads
	failure  *failurepb.Failure
}

// address is where a request goes and who it says sent it: the token, or
// the IDs with the routing header's value.
type address struct {
	namespace  string
	token      []byte
	workflowID string
	runID      string
	activityID string
	resourceID string
	identity   string
}

// Verbs is the one verb table: every difference between the four verbs is in
// its row.
var Verbs = map[string]Verb{
	Complete: {
		Closes:    model.Completed,
		Succeeded: func(j *model.Job) string { return lines.Completed(j.Desc) },
		carries:   result,
		byToken: func(ctx context.Context, svc Service, a address, c carried) error {
			_, err := svc.RespondActivityTaskCompleted(ctx, &workflowservice.RespondActivityTaskCompletedRequest{
				Namespace: a.namespace, TaskToken: a.token, Result: c.payloads, Identity: a.identity})
			return err
		},
		byIDs: func(ctx context.Context, svc Service, a address, c carried) error {
			_, err := svc.RespondActivityTaskCompletedById(ctx, &workflowservice.RespondActivityTaskCompletedByIdRequest{
				Namespace: a.namespace, WorkflowId: a.workflowID, RunId: a.runID, ActivityId: a.activityID,
				Result: c.payloads, Identity: a.identity, ResourceId: a.resourceID})
			return err
		},
	},
	Fail: {
		Closes:    model.Failed,
		Succeeded: func(j *model.Job) string { return lines.Failed(j.Desc, j.Retryable) },
		carries:   failure,
		byToken: func(ctx context.Context, svc Service, a address, c carried) error {
			_, err := svc.RespondActivityTaskFailed(ctx, &workflowservice.RespondActivityTaskFailedRequest{
				Namespace: a.namespace, TaskToken: a.token, Failure: c.failure, Identity: a.identity})
			return err
		},
		byIDs: func(ctx context.Context, svc Service, a address, c carried) error {
			_, err := svc.RespondActivityTaskFailedById(ctx, &workflowservice.RespondActivityTaskFailedByIdRequest{
				Namespace: a.namespace, WorkflowId: a.workflowID, RunId: a.runID, ActivityId: a.activityID,
				Failure: c.failure, Identity: a.identity, ResourceId: a.resourceID})
			return err
		},
	},
	// The server answers a heartbeat with whether it asks the Activity to
	// stop: cancellation requested, paused or reset (stopRequested), exit 5
	// (see MapRequestError), by token and by IDs alike.
	Heartbeat: {
		Succeeded: func(j *model.Job) string { return lines.HeartbeatRecorded(j.Desc) },
		carries:   details,
		byToken: func(ctx context.Context, svc Service, a address, c carried) error {
			response, err := svc.RecordActivityTaskHeartbeat(ctx, &workflowservice.RecordActivityTaskHeartbeatRequest{
				Namespace: a.namespace, TaskToken: a.token, Details: c.payloads, Identity: a.identity})
			if err != nil {
				return err
			}
			return stopRequested(response)
		},
		byIDs: func(ctx context.Context, svc Service, a address, c carried) error {
			response, err := svc.RecordActivityTaskHeartbeatById(ctx, &workflowservice.RecordActivityTaskHeartbeatByIdRequest{
				Namespace: a.namespace, WorkflowId: a.workflowID, RunId: a.runID, ActivityId: a.activityID,
				Details: c.payloads, Identity: a.identity, ResourceId: a.resourceID})
			if err != nil {
				return err
			}
			return stopRequested(response)
		},
	},
	// The server accepts a cancellation only after one was requested;
	// otherwise it refuses (lines.CancelNotRequested).
	Cancel: {
		Closes:    model.Canceled,
		Succeeded: func(j *model.Job) string { return lines.Cancelled(j.Desc) },
		carries:   details,
		byToken: func(ctx context.Context, svc Service, a address, c carried) error {
			_, err := svc.RespondActivityTaskCanceled(ctx, &workflowservice.RespondActivityTaskCanceledRequest{
				Namespace: a.namespace, TaskToken: a.token, Details: c.payloads, Identity: a.identity})
			return err
		},
		byIDs: func(ctx context.Context, svc Service, a address, c carried) error {
			_, err := svc.RespondActivityTaskCanceledById(ctx, &workflowservice.RespondActivityTaskCanceledByIdRequest{
				Namespace: a.namespace, WorkflowId: a.workflowID, RunId: a.runID, ActivityId: a.activityID,
				Details: c.payloads, Identity: a.identity, ResourceId: a.resourceID})
			return err
		},
	},
}

// heartbeatAnswer is what both heartbeat responses (by token, by IDs) say.
type heartbeatAnswer interface {
	GetCancelRequested() bool
	GetActivityPaused() bool
	GetActivityReset() bool
}

// stopRequested is the error of a heartbeat the server answered with a
// request to stop, as the SDK's client makes it; nil when it asked nothing.
func stopRequested(response heartbeatAnswer) error {
	switch {
	case response.GetCancelRequested():
		return temporal.NewCanceledError()
	case response.GetActivityPaused():
		return activity.ErrActivityPaused
	case response.GetActivityReset():
		return activity.ErrActivityReset
	}
	return nil
}

// request sends the job's request once, by its token or by its IDs, as its
// verb's row says.
func request(ctx context.Context, svc Service, namespace string, j *model.Job) error {
	verb := Verbs[j.Verb]
	c, err := verb.carries(j)
	if err != nil {
		return err
	}
	a := address{namespace: namespace, identity: j.Identity}
	if j.Token != nil {
		a.token = j.Token
		return verb.byToken(ctx, svc, a, c)
	}
	a.workflowID, a.runID, a.activityID = j.Target.WorkflowID, j.Target.RunID, j.Target.ActivityID
	a.resourceID = resourceID(j.Target.WorkflowID, j.Target.ActivityID)
	return verb.byIDs(ctx, svc, a, c)
}

// resourceID routes a request by IDs, as the SDK's client sets it: by the
// Workflow, or for a standalone Activity by the Activity.
func resourceID(workflowID, activityID string) string {
	switch {
	case workflowID != "":
		return "workflow:" + workflowID
	case activityID != "":
		return "activity:" + activityID
	}
	return ""
}

// dataConverter encodes results and details as the SDK's client does with its
// default: a text is one json/plain payload.
var dataConverter = converter.GetDefaultDataConverter()

// result is complete's text result (the default is an empty text, which the
// Workflow's str Activity receives as "").
func result(j *model.Job) (carried, error) {
	payloads, err := dataConverter.ToPayloads(j.Result)
	return carried{payloads: payloads}, err
}

// details are heartbeat's and cancel's: none at all when none were given, so
// that the server records none rather than an empty text.
func details(j *model.Job) (carried, error) {
	var args []any
	if j.Details != nil {
		args = []any{*j.Details}
	}
	payloads, err := dataConverter.ToPayloads(args...)
	return carried{payloads: payloads}, err
}

// failureType is the ApplicationError type of the failures this completer
// sends, so that a Workflow (or a person reading its history) can tell them
// from the Activity's own.
const failureType = "GoCompleterFailure"

// failureConverter turns the failure into what the history records, as the
// SDK's client does with its default.
var failureConverter = temporal.GetDefaultFailureConverter()

// failure is fail's: non-retryable unless --retryable, because a person
// failing an Activity by hand usually means it.
func failure(j *model.Job) (carried, error) {
	err := temporal.NewNonRetryableApplicationError(j.Reason, failureType, nil)
	if j.Retryable {
		err = temporal.NewApplicationError(j.Reason, failureType)
	}
	return carried{failure: failureConverter.ErrorToFailure(err)}, nil
}
