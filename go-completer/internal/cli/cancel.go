package cli

import (
	"context"

	"go.temporal.io/api/workflowservice/v1"

	"github.com/async-completion/go-completer/internal/lines"
)

// sendCancel reports the Activity as cancelled, with --details. The server
// accepts it only after a cancellation was requested; otherwise it refuses
// (lines.CancelNotRequested).
func sendCancel(ctx context.Context, svc activityService, j *job, namespace string) error {
	details, err := dataConverter.ToPayloads(detailsArgs(&j.cmd)...)
	if err != nil {
		return err
	}
	if j.token != nil {
		_, err = svc.RespondActivityTaskCanceled(ctx, &workflowservice.RespondActivityTaskCanceledRequest{
			Namespace: namespace,
			TaskToken: j.token.Bytes,
			Details:   details,
			Identity:  j.identity,
		})
		return err
	}
	_, err = svc.RespondActivityTaskCanceledById(ctx, &workflowservice.RespondActivityTaskCanceledByIdRequest{
		Namespace:  namespace,
		WorkflowId: j.cmd.workflowID,
		RunId:      j.cmd.runID,
		ActivityId: j.cmd.activityID,
		Details:    details,
		Identity:   j.identity,
		ResourceId: resourceID(j.cmd.workflowID),
	})
	return err
}

func cancelledLine(j *job) string {
	return lines.Cancelled(j.desc)
}
