package cli

import (
	"context"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/async-completion/go-completer/internal/lines"
)

// sendHeartbeat records a heartbeat with --details. The server answers a
// heartbeat with whether cancellation was requested: that is a CanceledError
// here, as the SDK's client makes it, and exit 5 (see mapRequestError).
func sendHeartbeat(ctx context.Context, svc activityService, j *job, namespace string) error {
	details, err := dataConverter.ToPayloads(detailsArgs(&j.cmd)...)
	if err != nil {
		return err
	}
	if j.token != nil {
		response, err := svc.RecordActivityTaskHeartbeat(ctx, &workflowservice.RecordActivityTaskHeartbeatRequest{
			Namespace: namespace,
			TaskToken: j.token.Bytes,
			Details:   details,
			Identity:  j.identity,
		})
		switch {
		case err != nil:
			return err
		case response.GetCancelRequested():
			return temporal.NewCanceledError()
		case response.GetActivityPaused():
			return activity.ErrActivityPaused
		case response.GetActivityReset():
			return activity.ErrActivityReset
		}
		return nil
	}
	response, err := svc.RecordActivityTaskHeartbeatById(ctx, &workflowservice.RecordActivityTaskHeartbeatByIdRequest{
		Namespace:  namespace,
		WorkflowId: j.cmd.workflowID,
		RunId:      j.cmd.runID,
		ActivityId: j.cmd.activityID,
		Details:    details,
		Identity:   j.identity,
		ResourceId: resourceID(j.cmd.workflowID),
	})
	if err == nil && response.GetCancelRequested() {
		return temporal.NewCanceledError()
	}
	return err
}

func heartbeatLine(j *job) string {
	return lines.HeartbeatRecorded(j.desc)
}

// detailsArgs is no details at all when --details was not given, so that the
// server records none rather than an empty text. heartbeat and cancel share it.
func detailsArgs(cmd *command) []any {
	if !cmd.details.set {
		return nil
	}
	return []any{cmd.details.value}
}
