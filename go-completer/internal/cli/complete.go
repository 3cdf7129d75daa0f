package cli

import (
	"context"
	"os"
	"unicode/utf8"

	"go.temporal.io/api/workflowservice/v1"

	"github.com/async-completion/go-completer/internal/lines"
)

// sendComplete reports the Activity as completed with a text result: --result,
// or the content of --result-file (the default is an empty text, which the
// Workflow's str Activity receives as "").
func sendComplete(ctx context.Context, svc activityService, j *job, namespace string) error {
	result, err := dataConverter.ToPayloads(j.cmd.result)
	if err != nil {
		return err
	}
	if j.token != nil {
		_, err = svc.RespondActivityTaskCompleted(ctx, &workflowservice.RespondActivityTaskCompletedRequest{
			Namespace: namespace,
			TaskToken: j.token.Bytes,
			Result:    result,
			Identity:  j.identity,
		})
		return err
	}
	_, err = svc.RespondActivityTaskCompletedById(ctx, &workflowservice.RespondActivityTaskCompletedByIdRequest{
		Namespace:  namespace,
		WorkflowId: j.cmd.workflowID,
		RunId:      j.cmd.runID,
		ActivityId: j.cmd.activityID,
		Result:     result,
		Identity:   j.identity,
		ResourceId: resourceID(j.cmd.workflowID),
	})
	return err
}

func completedLine(j *job) string {
	return lines.Completed(j.desc)
}

// readResultFile reads --result-file: its content is the result, unchanged
// (a byte-order mark and line ends included), and must be UTF-8 text.
func readResultFile(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", lines.CannotReadResultFile(path, lines.OSReason(err))
	}
	if !utf8.Valid(data) {
		return "", lines.ResultFileNotUTF8(path)
	}
	return string(data), nil
}
