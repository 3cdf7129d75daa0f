package cli

import (
	"context"

	"go.temporal.io/sdk/temporal"

	"github.com/async-completion/go-completer/internal/lines"
)

// sendCancel reports the Activity as cancelled, with --details. The server
// accepts it only after a cancellation was requested; otherwise it refuses
// (lines.CancelNotRequested).
func sendCancel(ctx context.Context, c activityClient, j *job, namespace string) error {
	cancellation := temporal.NewCanceledError(detailsArgs(&j.cmd)...)
	if j.token != nil {
		return c.CompleteActivity(ctx, j.token.Bytes, nil, cancellation)
	}
	return c.CompleteActivityByID(ctx, namespace, j.cmd.workflowID, j.cmd.runID, j.cmd.activityID, nil, cancellation)
}

func cancelledLine(j *job) string {
	return lines.Cancelled(j.desc)
}
