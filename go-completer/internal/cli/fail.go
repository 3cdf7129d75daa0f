package cli

import (
	"context"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/temporal"

	"github.com/async-completion/go-completer/internal/lines"
)

// failureType is the ApplicationError type of the failures this completer
// sends, so that a Workflow (or a person reading its history) can tell them
// from the Activity's own.
const failureType = "GoCompleterFailure"

// failureConverter turns the failure into what the history records, as the
// SDK's client does with its default.
var failureConverter = temporal.GetDefaultFailureConverter()

// sendFail reports the Activity as failed with --reason; non-retryable unless
// --retryable, because a person failing an Activity by hand usually means it.
func sendFail(ctx context.Context, svc activityService, j *job, namespace string) error {
	err := temporal.NewNonRetryableApplicationError(j.cmd.reason, failureType, nil)
	if j.cmd.retryable {
		err = temporal.NewApplicationError(j.cmd.reason, failureType)
	}
	failure := failureConverter.ErrorToFailure(err)
	if j.token != nil {
		_, err = svc.RespondActivityTaskFailed(ctx, &workflowservice.RespondActivityTaskFailedRequest{
			Namespace: namespace,
			TaskToken: j.token.Bytes,
			Failure:   failure,
			Identity:  j.identity,
		})
		return err
	}
	_, err = svc.RespondActivityTaskFailedById(ctx, &workflowservice.RespondActivityTaskFailedByIdRequest{
		Namespace:  namespace,
		WorkflowId: j.cmd.workflowID,
		RunId:      j.cmd.runID,
		ActivityId: j.cmd.activityID,
		Failure:    failure,
		Identity:   j.identity,
		ResourceId: resourceID(j.cmd.workflowID),
	})
	return err
}

func failedLine(j *job) string {
	return lines.Failed(j.desc, j.cmd.retryable)
}
