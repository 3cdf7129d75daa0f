package lines

import (
	"strings"
	"testing"
	"time"

	"github.com/async-completion/go-completer/internal/model"
)

func ptr[T any](v T) *T { return &v }

func TestAppendPendingJSON(t *testing.T) {
	since := time.Date(2026, 12, 3, 9, 41, 2, 500_000_000, time.UTC)
	beat := time.Date(2026, 12, 3, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	tests := []struct {
		activity model.PendingActivity
		want     string
	}{
		{model.PendingActivity{WorkflowID: "order-17", RunID: "01a2", ActivityID: "1", ActivityType: "Activity", Attempt: 2, MaximumAttempts: 3,
			State: "scheduled", WaitingSince: &since, LastFailure: ptr("Try later")},
			`{"workflow_id":"order-17","run_id":"01a2","activity_id":"1","activity_type":"Activity","attempt":2,"maximum_attempts":3,"state":"scheduled","waiting_since":"2026-12-03T09:41:02.5Z","last_heartbeat_time":null,"heartbeat_details":null,"last_failure":"Try later","next_attempt_time":null,"paused_by":null,"pause_reason":null,"input":null,"summary":null}` + "\n"},
		// Times in UTC; texts as Python's json.dumps(ensure_ascii=False) writes them.
		{model.PendingActivity{WorkflowID: "日本 \"q\"", RunID: "r", ActivityID: "a\\b", ActivityType: "T", Attempt: 1, State: "started",
			LastHeartbeatTime: &beat, HeartbeatDetails: ptr("40%\tdone\n<é>\u2028"), LastFailure: ptr("")},
			`{"workflow_id":"日本 \"q\"","run_id":"r","activity_id":"a\\b","activity_type":"T","attempt":1,"maximum_attempts":0,"state":"started","waiting_since":null,"last_heartbeat_time":"2026-12-03T09:00:00Z","heartbeat_details":"40%\tdone\n<é>` + "\u2028" + `","last_failure":"","next_attempt_time":null,"paused_by":null,"pause_reason":null,"input":null,"summary":null}` + "\n"},
		// What is asked: the arguments as JSON as they were read, the summary a text.
		{model.PendingActivity{WorkflowID: "w", Asked: &model.Asked{Input: []string{`"<b>x</b>"`, `{"a":1}`, "null"}, Summary: ptr("Pay <now>")}},
			`{"workflow_id":"w","run_id":"","activity_id":"","activity_type":"","attempt":0,"maximum_attempts":0,"state":"","waiting_since":null,"last_heartbeat_time":null,"heartbeat_details":null,"last_failure":null,"next_attempt_time":null,"paused_by":null,"pause_reason":null,"input":["<b>x</b>",{"a":1},null],"summary":"Pay <now>"}` + "\n"},
		{model.PendingActivity{WorkflowID: "w", Asked: &model.Asked{Input: []string{}}},
			`{"workflow_id":"w","run_id":"","activity_id":"","activity_type":"","attempt":0,"maximum_attempts":0,"state":"","waiting_since":null,"last_heartbeat_time":null,"heartbeat_details":null,"last_failure":null,"next_attempt_time":null,"paused_by":null,"pause_reason":null,"input":[],"summary":null}` + "\n"},
	}
	for _, tt := range tests {
		if got := string(AppendPendingJSON(nil, tt.activity)); got != tt.want {
			t.Errorf("AppendPendingJSON(%+v)\n got: %s\nwant: %s", tt.activity, got, tt.want)
		}
	}
}

func TestPendingCells(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	ago := func(d time.Duration) *time.Time { return ptr(now.Add(-d)) }
	long := strings.Repeat("é", 39) + "xy"
	tests := []struct {
		name     string
		activity model.PendingActivity
		want     []string
	}{
		{"nothing but the IDs", model.PendingActivity{WorkflowID: "w", ActivityID: "1", ActivityType: "Activity", Attempt: 1, State: "started"},
			[]string{"w", "1", "Activity", "1", "started", "-", "-", "-", "-", "-"}},
		{"attempts, state, ages", model.PendingActivity{WorkflowID: "w", ActivityID: "1", ActivityType: "Activity", Attempt: 2, MaximumAttempts: 3,
			State: "cancel_requested", WaitingSince: ago(3*time.Minute + 12*time.Second + 999*time.Millisecond), LastHeartbeatTime: ago(5 * time.Second),
			HeartbeatDetails: ptr("40% done"), LastFailure: ptr("Try later")},
			[]string{"w", "1", "Activity", "2/3", "cancel requested", "3m12s", "5s ago", "40% done", "Try later", "-"}},
		{"hours, and a time in the future", model.PendingActivity{Attempt: 1, State: "pause_requested",
			WaitingSince: ago(26*time.Hour + 3*time.Minute + 4*time.Second), LastHeartbeatTime: ptr(now.Add(time.Minute))},
			[]string{"", "", "", "1", "pause requested", "26h3m4s", "0s ago", "-", "-", "-"}},
		{"under a second", model.PendingActivity{Attempt: 1, State: "scheduled", WaitingSince: ago(999 * time.Millisecond), LastHeartbeatTime: ago(time.Hour + 5*time.Second)},
			[]string{"", "", "", "1", "scheduled", "0s", "1h0m5s ago", "-", "-", "-"}},
		{"texts made one line", model.PendingActivity{Attempt: 1, HeartbeatDetails: ptr("  40%  done\n\tnearly "), LastFailure: ptr("")},
			[]string{"", "", "", "1", "", "-", "-", "40% done nearly", "", "-"}},
		{"texts cut to 40 code points", model.PendingActivity{Attempt: 1, HeartbeatDetails: ptr(long), LastFailure: ptr(long[:len(long)-1])},
			[]string{"", "", "", "1", "", "-", "-", strings.Repeat("é", 39) + "…", strings.Repeat("é", 39) + "x", "-"}},
		{"the summary, else the arguments: texts as text", model.PendingActivity{Attempt: 1, Asked: &model.Asked{Input: []string{`"Pay\n invoice"`, `{"a":1}`}}},
			[]string{"", "", "", "1", "", "-", "-", "-", "-", `Pay invoice, {"a":1}`}},
		{"a summary", model.PendingActivity{Attempt: 1, Asked: &model.Asked{Input: []string{`"x"`}, Summary: ptr(long)}},
			[]string{"", "", "", "1", "", "-", "-", "-", "-", strings.Repeat("é", 39) + "…"}},
		{"nothing to show", model.PendingActivity{Attempt: 1, Asked: &model.Asked{Input: []string{`""`}}},
			[]string{"", "", "", "1", "", "-", "-", "-", "-", "-"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := PendingCells(tt.activity, now)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("PendingCells()\n got: %q\nwant: %q", got, tt.want)
			}
		})
	}
}

func TestTableWritesBlocksThatWiden(t *testing.T) {
	table := NewTable([]string{"ID", "STATE", "LAST"})
	var out []byte
	out = table.Block(out, nil) // a page with nothing pending writes nothing
	out = table.Block(out, [][]string{{"a", "started", "x"}, {"bb", "é", "-"}})
	out = table.Block(out, nil)
	out = table.Block(out, [][]string{{"ccc-longer", "s", "y"}, {"d", "日本語日本語日本語", ""}})
	want := "" +
		"ID  STATE    LAST\n" +
		"a   started  x\n" +
		"bb  é        -\n" +
		// 日本語日本語日本語 takes 18 columns: East Asian wide.
		"ccc-longer  s                   y\n" +
		"d           日本語日本語日本語\n"
	if string(out) != want {
		t.Errorf("table:\n%s\nwant:\n%s", out, want)
	}
	if empty := NewTable([]string{"A"}).Block(nil, nil); len(empty) != 0 {
		t.Errorf("a table without rows wrote %q", empty)
	}
}

func TestListCount(t *testing.T) {
	tests := []struct {
		n, w, looked int
		want         string
	}{
		{3, 3, 5, "3 pending Activities in 3 Workflows (5 Workflows looked at)"},
		{1, 1, 1, "1 pending Activity in 1 Workflow (1 Workflow looked at)"},
		{0, 0, 0, "0 pending Activities in 0 Workflows (0 Workflows looked at)"},
		{2, 1, 12, "2 pending Activities in 1 Workflow (12 Workflows looked at)"},
	}
	for _, tt := range tests {
		if got := ListCount(tt.n, tt.w, tt.looked); got != tt.want {
			t.Errorf("ListCount(%d, %d, %d) = %q, want %q", tt.n, tt.w, tt.looked, got, tt.want)
		}
	}
}

func TestCellsAreOneLineAndMeasuredAsATerminalShowsThem(t *testing.T) {
	tests := []struct {
		text, cell string
		width      int
	}{
		{"order 42", "order 42", 8},
		{"tab\there", `tab\there`, 9},
		{"new\nline\r", `new\nline\r`, 11},
		{"bell\a", `bell\u0007`, 10},
		{"del\x7f c1\u0085 ls\u2028", `del\u007f c1\u0085 ls\u2028`, 27},
		{"注文", "注文", 4},
		{"ｆｕｌｌ", "ｆｕｌｌ", 8},
		{"🦊", "🦊", 2},
		{"e\u0301", "e\u0301", 1},   // a combining accent takes no column
		{"a\u200db", "a\u200db", 2}, // nor does a zero-width joiner (Cf)
		{"שלום", "שלום", 4},
		{`back\slash "q"`, `back\slash "q"`, 14},
	}
	for _, tt := range tests {
		cell := CellText(tt.text)
		if cell != tt.cell {
			t.Errorf("CellText(%q) = %q, want %q", tt.text, cell, tt.cell)
		}
		if got := DisplayWidth(cell); got != tt.width {
			t.Errorf("DisplayWidth(%q) = %d, want %d", cell, got, tt.width)
		}
	}
}
