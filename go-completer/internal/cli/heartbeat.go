package cli

import (
	"context"

	"github.com/async-completion/go-completer/internal/lines"
)

// sendHeartbeat records a heartbeat with --details. The server answers a
// heartbeat with whether cancellation was requested: the SDK turns that into
// a CanceledError, which is exit 5 (see mapRequestError).
func sendHeartbeat(ctx context.Context, c activityClient, j *job, namespace string) error {
	details := detailsArgs(&j.cmd)
	if j.token != nil {
		return c.RecordActivityHeartbeat(ctx, j.token.Bytes, details...)
	}
	return c.RecordActivityHeartbeatByID(ctx, namespace, j.cmd.workflowID, j.cmd.runID, j.cmd.activityID, details...)
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
