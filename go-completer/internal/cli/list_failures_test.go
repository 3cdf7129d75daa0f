package cli

import (
	"testing"
	"time"

	"go.temporal.io/api/serviceerror"

	"github.com/async-completion/go-completer/internal/lines"
)

// One Workflow that cannot be described never hides the others: its row says
// why, the count line counts it, and the exit code is its failure's.
func TestRunListWithAWorkflowThatCannotBeDescribed(t *testing.T) {
	now := time.Now()
	fixture := func() *fakeVisibility {
		f := listFixture(now)
		f.pages[0] = append(f.pages[0], running("odd\tone", "ro"))
		f.describeErr = serviceerror.NewPermissionDenied("not yours", "")
		return f
	}
	t.Run("table", func(t *testing.T) {
		cleanEnvironment(t)
		h := &harness{fake: &fakeClient{fakeVisibility: fixture()}, now: now}
		code, stdout, stderr := h.run(t, "list", "--no-input", "--page-size", "4")
		want := "" +
			"WORKFLOW ID  ACTIVITY ID  TYPE      ATTEMPT  STATE                                      WAITING  HEARTBEAT  DETAILS  LAST FAILURE  ASKS\n" +
			`odd\tone     -            -         -        the server refused the request: not yours  -        -          -        -             -` + "\n" +
			"order-17     1            Activity  2/3      scheduled                                  3m12s    -          -        Try later     -\n" +
			"order-19     1            Activity  1        cancel requested                           2h0m5s   -          -        -             -\n" +
			"order-18     1            Activity  1        started                                    41s      5s ago     40% done and a detail longer than forty…  -             -\n" +
			"3 pending Activities in 3 Workflows (6 Workflows looked at, 1 could not be described)\n"
		if code != lines.ExitRefused || stderr != "error: 1 Workflow could not be described: its row says why\n" || stdout != want {
			t.Errorf("run = %d, stderr %q, stdout:\n%s\nwant:\n%s", code, stderr, stdout, want)
		}
	})
	t.Run("json", func(t *testing.T) {
		cleanEnvironment(t)
		h := &harness{fake: &fakeClient{fakeVisibility: fixture()}, now: now}
		code, stdout, stderr := h.run(t, "list", "--json", "--no-input", "--query", "q")
		failed := `{"workflow_id":"odd\tone","run_id":"ro","error":"the server refused the request: not yours"}` + "\n"
		got := splitOutput(stdout)
		found := false
		for _, line := range got {
			found = found || line == failed
		}
		if code != lines.ExitRefused || stderr != "error: 1 Workflow could not be described: its row says why\n" || len(got) != 4 || !found {
			t.Errorf("run = %d, stderr %q, stdout:\n%s", code, stderr, stdout)
		}
	})
}
