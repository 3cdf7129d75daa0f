package cli

import (
	"context"

	"go.temporal.io/sdk/temporal"

	"github.com/async-completion/go-completer/internal/lines"
)

// failureType is the ApplicationError type of the failures this completer
// sends, so that a Workflow (or a person reading its history) can tell them
// from the Activity's own.
const failureType = "GoCompleterFailure"

// sendFail reports the Activity as failed with --reason; non-retryable unless
// --retryable, because a person failing an Activity by hand usually means it.
func sendFail(ctx context.Context, c activityClient, j *job, namespace string) error {
	failure := temporal.NewNonRetryableApplicationError(j.cmd.reason, failureType, nil)
	if j.cmd.retryable {
		failure = temporal.NewApplicationError(j.cmd.reason, failureType)
	}
	if j.token != nil {
		return c.CompleteActivity(ctx, j.token.Bytes, nil, failure)
	}
	return c.CompleteActivityByID(ctx, namespace, j.cmd.workflowID, j.cmd.runID, j.cmd.activityID, nil, failure)
}

func failedLine(j *job) string {
	return lines.Failed(j.desc, j.cmd.retryable)
}
