package cli

import (
	"context"
	"os"
	"unicode/utf8"

	"github.com/async-completion/go-completer/internal/lines"
)

// sendComplete reports the Activity as completed with a text result: --result,
// or the content of --result-file (the default is an empty text, which the
// Workflow's str Activity receives as "").
func sendComplete(ctx context.Context, c activityClient, j *job, namespace string) error {
	if j.token != nil {
		return c.CompleteActivity(ctx, j.token.Bytes, j.cmd.result, nil)
	}
	return c.CompleteActivityByID(ctx, namespace, j.cmd.workflowID, j.cmd.runID, j.cmd.activityID, j.cmd.result, nil)
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
