package lines

import (
	"strings"
	"testing"
	"time"

	"github.com/async-completion/go-completer/internal/model"
)

func TestARetryThatWaitsIsRetryingAtItsTimeToTheSecond(t *testing.T) {
	next := time.Date(2027, 1, 15, 8, 0, 7, 900_000_000, time.FixedZone("CET", 3600))
	waiting := model.PendingActivity{Attempt: 2, State: "scheduled", NextAttemptTime: &next}
	if got := PendingCells(waiting, next)[4]; got != "retrying at 2027-01-15T07:00:07Z" {
		t.Errorf("state cell = %q", got)
	}
	if got := string(AppendPendingJSON(nil, waiting)); !strings.Contains(got, `"state":"scheduled",`) ||
		!strings.HasSuffix(got, `"next_attempt_time":"2027-01-15T07:00:07.9Z","paused_by":null,"pause_reason":null,"input":null,"summary":null}`+"\n") {
		t.Errorf("JSON line = %s", got)
	}
	if got := PendingCells(model.PendingActivity{Attempt: 2, State: "scheduled"}, next)[4]; got != "scheduled" {
		t.Errorf("state cell without a next attempt = %q", got)
	}
}

func TestPausedStatesAndWhoPaused(t *testing.T) {
	for state, cell := range map[string]string{"paused": "paused", "pause_requested": "pause requested"} {
		a := model.PendingActivity{Attempt: 1, State: state, LastFailure: ptr("Try later"), PausedBy: ptr("ops@example"), PauseReason: ptr("waiting for stock")}
		if got := PendingCells(a, time.Now())[4]; got != cell {
			t.Errorf("state cell of %s = %q", state, got)
		}
		want := `,"last_failure":"Try later","next_attempt_time":null,"paused_by":"ops@example","pause_reason":"waiting for stock","input":null,"summary":null}` + "\n"
		if got := string(AppendPendingJSON(nil, a)); !strings.HasSuffix(got, want) {
			t.Errorf("JSON line = %s", got)
		}
	}
}
