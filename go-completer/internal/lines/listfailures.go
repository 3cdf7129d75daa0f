package lines

import (
	"fmt"
	"strings"

	"github.com/async-completion/go-completer/internal/jsontext"
)

// A Workflow that visibility listed but that could not be described (any
// error: refused, no answer in time, deleted in a way that is no NOT_FOUND)
// gets a row of its own, and the others are listed all the same. Mirrors
// python-completer's lines/listfailures.py.

// AppendFailedJSON appends the `list --json` line of a Workflow that could
// not be described, with its newline: its IDs and the failure's line
// (without "error: "), no Activity keys, so a batch refuses it as a job.
func AppendFailedJSON(dst []byte, workflowID, runID, message string) []byte {
	dst = append(dst, `{"workflow_id":`...)
	dst = jsontext.AppendString(dst, workflowID)
	dst = append(dst, `,"run_id":`...)
	dst = jsontext.AppendString(dst, runID)
	dst = append(dst, `,"error":`...)
	dst = jsontext.AppendString(dst, message)
	return append(dst, '}', '\n')
}

// FailedCells are the table's cells for a Workflow that could not be
// described: the failure's line in place of the state, "-" elsewhere.
func FailedCells(workflowID, message string) []string {
	cells := make([]string, len(ListHeader))
	for i := range cells {
		cells[i] = "-"
	}
	cells[0] = CellText(workflowID)
	cells[4] = CellText(OneLine(message))
	return cells
}

// ListCountWithFailures is the table's last line: ListCount, and how many
// Workflows could not be described when some could not.
func ListCountWithFailures(n, w, looked, failed, standalone int) string {
	line := ListCountStandalone(n, w, looked, standalone)
	if failed == 0 {
		return line
	}
	return strings.TrimSuffix(line, ")") + fmt.Sprintf(", %d could not be described)", failed)
}

// NotDescribed is the failure of a listing that wrote every row it could but
// failed Workflows could not be described; code is the largest exit code
// among their failures.
func NotDescribed(failed, code int) *Failure {
	if failed == 1 {
		return &Failure{Code: code, Message: "1 Workflow could not be described: its row says why"}
	}
	return &Failure{Code: code, Message: fmt.Sprintf("%d Workflows could not be described: their rows say why", failed)}
}
