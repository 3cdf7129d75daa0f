package cli

import (
	"fmt"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	"go.temporal.io/api/serviceerror"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/async-completion/go-completer/internal/lines"
)

func TestParseArgsForList(t *testing.T) {
	usage := []struct {
		name string
		args []string
		want string
	}{
		{"both scopes", []string{"list", "--workflow-id", "a", "--query", "b"}, "give either --workflow-id or --query, not both"},
		{"both scopes, an empty query", []string{"list", "--workflow-id", "a", "--query="}, "give either --workflow-id or --query, not both"},
		{"a token", []string{"list", "--tasktoken", "ab"}, `unknown option "--tasktoken": see --help`},
		{"an activity ID", []string{"list", "--activity-id", "1"}, `unknown option "--activity-id": see --help`},
		{"a run ID", []string{"list", "--run-id", "r"}, `unknown option "--run-id": see --help`},
		{"a batch", []string{"list", "--batch", "-"}, `unknown option "--batch": see --help`},
		{"a result", []string{"list", "--result", "r"}, `unknown option "--result": see --help`},
		{"page size 0", []string{"list", "--page-size", "0"}, `--page-size "0" must be a whole number from 1 to 1000`},
		{"page size 1001", []string{"list", "--page-size", "1001"}, `--page-size "1001" must be a whole number from 1 to 1000`},
		{"page size in words", []string{"list", "-page-size=ten"}, `--page-size "ten" must be a whole number from 1 to 1000`},
		{"concurrency", []string{"list", "--concurrency", "x"}, `--concurrency "x" must be a whole number from 1 to 1000`},
		{"a stray argument", []string{"list", "extra"}, `unexpected argument "extra": options take the form --name VALUE (see --help)`},
		{"--json with a value", []string{"list", "--json=maybe"}, `option "--json" does not take a value`},
		{"--query without its value", []string{"list", "--query"}, `option "--query" needs a value`},
		{"page size is no option of the other verbs", []string{"complete", "--batch", "-", "--page-size", "2"}, `unknown option "--page-size": see --help`},
		{"order: rpc timeout, concurrency, page size, scopes", []string{"list", "--workflow-id", "a", "--query", "b", "--page-size", "0", "--concurrency", "0", "--rpc-timeout", "x"},
			`--rpc-timeout "x" is not a duration: use for example 10s, 500ms or 1m`},
		{"order: concurrency before page size", []string{"list", "--page-size", "0", "--concurrency", "0"}, `--concurrency "0" must be a whole number from 1 to 1000`},
		{"order: page size before scopes", []string{"list", "--workflow-id", "a", "--query", "b", "--page-size", "0"}, `--page-size "0" must be a whole number from 1 to 1000`},
	}
	for _, tt := range usage {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseArgs(tt.args)
			if failure := lines.AsFailure(err); err == nil || failure.Code != lines.ExitUsage || failure.Message != tt.want {
				t.Errorf("parseArgs(%q) = %v\nwant exit 2, %q", tt.args, err, tt.want)
			}
		})
	}

	c, err := parseArgs([]string{"list"})
	if err != nil || c.verb != verbList || c.query.set || c.json || c.pageSize != 1000 || c.concurrency != 64 || c.rpcTimeout != 10*time.Second {
		t.Errorf("parseArgs(list) = %+v, %v", c, err)
	}
	c, err = parseArgs([]string{"list", "-json", "--query", "", "--page-size=007", "--concurrency", "3", "--namespace", "ns", "--workflow-id="})
	if err != nil || !c.json || !c.query.set || c.pageSize != 7 || c.concurrency != 3 || c.namespace != "ns" {
		t.Errorf("parseArgs(list ...) = %+v, %v", c, err)
	}
}

// listFixture is a visibility of three running Workflows on two pages, and a
// closed one: what both the table and the JSON lines show.
func listFixture(now time.Time) *fakeVisibility {
	ts := func(ago time.Duration) *timestamppb.Timestamp { return timestamppb.New(now.Add(-ago)) }
	text := func(s string) *commonpb.Payloads {
		return &commonpb.Payloads{Payloads: []*commonpb.Payload{{Metadata: map[string][]byte{"encoding": []byte("json/plain")}, Data: []byte(fmt.Sprintf("%q", s))}}}
	}
	activity := &commonpb.ActivityType{Name: "Activity"}
	return &fakeVisibility{
		pages: [][]*workflowpb.WorkflowExecutionInfo{
			{running("order-19", "r19"), running("order-17", "r17"), {
				Execution: &commonpb.WorkflowExecution{WorkflowId: "order-0", RunId: "r0"},
				Status:    enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED,
			}},
			{running("order-18", "r18"), running("idle", "ri")},
		},
		described: map[string]*workflowservice.DescribeWorkflowExecutionResponse{
			"order-17": describeResponse("order-17", "r17", &workflowpb.PendingActivityInfo{
				ActivityId: "1", ActivityType: activity, State: enumspb.PENDING_ACTIVITY_STATE_SCHEDULED, Attempt: 2, MaximumAttempts: 3,
				LastStartedTime: ts(time.Hour), ScheduledTime: ts(3*time.Minute + 12*time.Second), LastFailure: &failurepb.Failure{Message: "Try later"},
			}),
			"order-18": describeResponse("order-18", "r18", &workflowpb.PendingActivityInfo{
				ActivityId: "1", ActivityType: activity, State: enumspb.PENDING_ACTIVITY_STATE_STARTED, Attempt: 1,
				ScheduledTime: ts(42 * time.Second), LastStartedTime: ts(41 * time.Second), LastHeartbeatTime: ts(5 * time.Second),
				HeartbeatDetails: text("40%  done\nand a detail longer than forty characters"),
			}),
			"order-19": describeResponse("order-19", "r19", &workflowpb.PendingActivityInfo{
				ActivityId: "1", ActivityType: activity, State: enumspb.PENDING_ACTIVITY_STATE_CANCEL_REQUESTED, Attempt: 1,
				ScheduledTime: ts(2*time.Hour + 6*time.Second), LastStartedTime: ts(2*time.Hour + 5*time.Second),
			}),
			"idle": describeResponse("idle", "ri"),
		},
	}
}

func TestRunListTable(t *testing.T) {
	cleanEnvironment(t)
	now := time.Now()
	h := &harness{fake: listClient(now), now: now}
	code, stdout, stderr := h.run(t, "list", "--page-size", "3")
	// Two blocks: the second widens the DETAILS column, the first stays as it
	// was written.
	want := "" +
		"WORKFLOW ID  ACTIVITY ID  TYPE      ATTEMPT  STATE             WAITING  HEARTBEAT  DETAILS  LAST FAILURE  ASKS\n" +
		"order-17     1            Activity  2/3      scheduled         3m12s    -          -        Try later     Pay invoice 17 of 1,200 EUR\n" +
		"order-19     1            Activity  1        cancel requested  2h0m5s   -          -        -             {\"encoding\":\"binary/plain\",\"size\":2}\n" +
		"order-18     1            Activity  1        started           41s      5s ago     40% done and a detail longer than forty…  -             Pay invoice 18 <now>\n" +
		"3 pending Activities in 3 Workflows (5 Workflows looked at)\n"
	if code != lines.ExitOK || stderr != "" || stdout != want {
		t.Errorf("run = %d, stderr %q, stdout:\n%s\nwant:\n%s", code, stderr, stdout, want)
	}
	if len(h.fake.requests) != 2 || h.fake.requests[0].Query != `TaskQueue = "async" AND ExecutionStatus = "Running"` || h.fake.requests[0].PageSize != 3 {
		t.Errorf("visibility requests %v", h.fake.requests)
	}
	if !h.fake.closed {
		t.Error("client not closed")
	}
}

func TestRunListJSON(t *testing.T) {
	cleanEnvironment(t)
	now := time.Date(2026, 12, 3, 9, 44, 14, 500_000_000, time.UTC)
	h := &harness{fake: listClient(now)}
	code, stdout, stderr := h.run(t, "list", "--json", "--query", "WorkflowType = 'Workflow'", "--concurrency", "1")
	want := []string{
		`{"workflow_id":"order-17","run_id":"r17","activity_id":"1","activity_type":"Activity","attempt":2,"maximum_attempts":3,"state":"scheduled","waiting_since":"2026-12-03T09:41:02.5Z","last_heartbeat_time":null,"heartbeat_details":null,"last_failure":"Try later","next_attempt_time":null,"paused_by":null,"pause_reason":null,"input":["Pay invoice 17 of 1,200 EUR"],"summary":null}` + "\n",
		`{"workflow_id":"order-18","run_id":"r18","activity_id":"1","activity_type":"Activity","attempt":1,"maximum_attempts":0,"state":"started","waiting_since":"2026-12-03T09:43:33.5Z","last_heartbeat_time":"2026-12-03T09:44:09.5Z","heartbeat_details":"40%  done\nand a detail longer than forty characters","last_failure":null,"next_attempt_time":null,"paused_by":null,"pause_reason":null,"input":[{"invoice":18}],"summary":"Pay invoice 18 <now>"}` + "\n",
		`{"workflow_id":"order-19","run_id":"r19","activity_id":"1","activity_type":"Activity","attempt":1,"maximum_attempts":0,"state":"cancel_requested","waiting_since":"2026-12-03T07:44:09.5Z","last_heartbeat_time":null,"heartbeat_details":null,"last_failure":null,"next_attempt_time":null,"paused_by":null,"pause_reason":null,"input":[{"encoding":"binary/plain","size":2}],"summary":null}` + "\n",
	}
	if got := splitOutput(stdout); code != lines.ExitOK || stderr != "" || strings.Join(got, "") != strings.Join(want, "") {
		t.Errorf("run = %d, stderr %q, stdout:\n%s\nwant:\n%s", code, stderr, strings.Join(got, ""), strings.Join(want, ""))
	}
	if h.fake.requests[0].Query != "WorkflowType = 'Workflow'" || h.fake.requests[0].PageSize != 1000 {
		t.Errorf("visibility request %v", h.fake.requests[0])
	}
}

// TestRunListNoInputReadsNoHistory counts the history reads: one per
// Workflow with pending Activities, none with --no-input.
func TestRunListNoInputReadsNoHistory(t *testing.T) {
	cleanEnvironment(t)
	for _, tt := range []struct {
		args  []string
		reads int
	}{{[]string{"list", "--json"}, 3}, {[]string{"list"}, 3}, {[]string{"list", "--json", "--no-input"}, 0}, {[]string{"list", "--no-input"}, 0}} {
		h := &harness{fake: listClient(time.Now())}
		code, stdout, stderr := h.run(t, tt.args...)
		if code != lines.ExitOK || stderr != "" || len(h.fake.reads) != tt.reads {
			t.Errorf("%q: run = %d, stderr %q, %d history reads, want %d", tt.args, code, stderr, len(h.fake.reads), tt.reads)
		}
		if asked := strings.Contains(stdout, "Pay invoice 17"); asked != (tt.reads > 0) {
			t.Errorf("%q: what is asked shown = %v:\n%s", tt.args, asked, stdout)
		}
	}
}

func TestRunListNothingPending(t *testing.T) {
	cleanEnvironment(t)
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"a table", []string{"list"}, "0 pending Activities in 0 Workflows (0 Workflows looked at)\n"},
		{"JSON lines", []string{"list", "--json"}, ""},
		{"a Workflow that is not there", []string{"list", "--workflow-id", "nobody"}, "0 pending Activities in 0 Workflows (0 Workflows looked at)\n"},
		{"a Workflow with nothing pending", []string{"list", "--workflow-id", "idle"}, "0 pending Activities in 0 Workflows (1 Workflow looked at)\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := &harness{fake: &fakeClient{fakeVisibility: &fakeVisibility{
				described:   map[string]*workflowservice.DescribeWorkflowExecutionResponse{"idle": describeResponse("idle", "r")},
				describeErr: serviceerror.NewNotFound("workflow not found for ID: nobody"),
			}}}
			code, stdout, stderr := h.run(t, tt.args...)
			if code != lines.ExitOK || stderr != "" || stdout != tt.want {
				t.Errorf("run = %d, stdout %q, stderr %q; want 0, %q", code, stdout, stderr, tt.want)
			}
		})
	}
}

func TestRunListFailures(t *testing.T) {
	unreachable := "error: could not reach the Temporal server at h:1 within 1s: start one with make server, or point TEMPORAL_ADDRESS or --address at yours\n"
	tests := []struct {
		name     string
		fake     *fakeVisibility
		dialErr  error
		args     []string
		wantCode int
		want     string
		// wantOut is what was written before the failure.
		wantOut string
	}{
		{"the namespace does not exist", &fakeVisibility{listErr: serviceerror.NewNamespaceNotFound("nope")}, nil, []string{"--namespace", "nope"}, lines.ExitRefused,
			"error: namespace \"nope\" was not found on the server at h:1: check --namespace or TEMPORAL_NAMESPACE\n", ""},
		{"the namespace does not exist, by describe", &fakeVisibility{describeErr: serviceerror.NewNamespaceNotFound("nope")}, nil,
			[]string{"--workflow-id", "w", "--namespace", "nope"}, lines.ExitRefused,
			"error: namespace \"nope\" was not found on the server at h:1: check --namespace or TEMPORAL_NAMESPACE\n", ""},
		{"a query the server refuses", &fakeVisibility{listErr: serviceerror.NewInvalidArgument("invalid query: unknown field\nNoSuchField")}, nil, nil, lines.ExitRefused,
			"error: the server refused the query: invalid query: unknown field NoSuchField\n", ""},
		{"a describe the server refuses", &fakeVisibility{describeErr: serviceerror.NewInvalidArgument("bad id")}, nil, []string{"--workflow-id", "w"}, lines.ExitRefused,
			"error: the server refused the request: bad id\n", ""},
		{"another refusal of the query", &fakeVisibility{listErr: serviceerror.NewPermissionDenied("not you", "")}, nil, nil, lines.ExitRefused,
			"error: the server refused the request: not you\n", ""},
		{"unreachable when connecting", &fakeVisibility{}, fmt.Errorf("failed reaching server: %w", serviceerror.NewUnavailable("connection refused")), nil,
			lines.ExitUnreachable, unreachable, ""},
		{"unavailable between two pages", &fakeVisibility{
			pages:       [][]*workflowpb.WorkflowExecutionInfo{{running("w", "r")}, {running("v", "r")}},
			described:   map[string]*workflowservice.DescribeWorkflowExecutionResponse{"w": describeResponse("w", "r", &workflowpb.PendingActivityInfo{ActivityId: "1"})},
			listErr:     serviceerror.NewUnavailable("gone"),
			listErrPage: 1,
		}, nil, []string{"--json", "--no-input"}, lines.ExitUnreachable, unreachable,
			`{"workflow_id":"w","run_id":"r","activity_id":"1","activity_type":"","attempt":0,"maximum_attempts":0,"state":"unspecified","waiting_since":null,"last_heartbeat_time":null,"heartbeat_details":null,"last_failure":null,"next_attempt_time":null,"paused_by":null,"pause_reason":null,"input":null,"summary":null}` + "\n"},
		// One Workflow that cannot be described gets a row that says why.
		{"a describe slower than --rpc-timeout", &fakeVisibility{
			pages:         [][]*workflowpb.WorkflowExecutionInfo{{running("w", "r")}},
			describeDelay: 5 * time.Second,
		}, nil, []string{"--rpc-timeout", "50ms", "--json"}, lines.ExitUnreachable,
			"error: 1 Workflow could not be described: its row says why\n",
			`{"workflow_id":"w","run_id":"r","error":"could not reach the Temporal server at h:1 within 50ms: start one with make server, or point TEMPORAL_ADDRESS or --address at yours"}` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cleanEnvironment(t)
			h := &harness{fake: &fakeClient{fakeVisibility: tt.fake}, dialErr: tt.dialErr}
			args := append([]string{"list", "--address", "h:1", "--rpc-timeout", "1s"}, tt.args...)
			code, stdout, stderr := h.run(t, args...)
			if code != tt.wantCode || stderr != tt.want || stdout != tt.wantOut {
				t.Errorf("run = %d, stdout %q, stderr %q\nwant %d, stdout %q, stderr %q", code, stdout, stderr, tt.wantCode, tt.wantOut, tt.want)
			}
		})
	}
}

func TestRunListWithStandardOutputClosed(t *testing.T) {
	for _, args := range [][]string{{"list"}, {"list", "--json"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			cleanEnvironment(t)
			h := &harness{fake: listClient(time.Now()), stdout: &closingWriter{}}
			code, _, stderr := h.run(t, append(args, "--page-size", "1", "--concurrency", "1")...)
			if want := "error: could not write to standard output (broken pipe): the listing stopped\n"; code != lines.ExitFailure || stderr != want {
				t.Errorf("run = %d, stderr %q; want 1, %q", code, stderr, want)
			}
			// It stops at once: the page after the failed write is not read.
			if len(h.fake.requests) > 2 {
				t.Errorf("%d visibility pages read after the failed write", len(h.fake.requests)-1)
			}
		})
	}
	t.Run("nothing pending: the count line", func(t *testing.T) {
		cleanEnvironment(t)
		h := &harness{fake: &fakeClient{}, stdout: &closingWriter{}}
		code, _, stderr := h.run(t, "list")
		if code != lines.ExitFailure || stderr != "error: could not write to standard output (broken pipe): the listing stopped\n" {
			t.Errorf("run = %d, stderr %q", code, stderr)
		}
	})
}

func TestRunListHelpSaysThatVisibilityLags(t *testing.T) {
	h := &harness{fake: &fakeClient{}}
	code, stdout, stderr := h.run(t, "list", "--help")
	if code != lines.ExitOK || stderr != "" || !strings.HasPrefix(stdout, "Usage:\n  go-completer list") ||
		!strings.Contains(stdout, "Visibility can lag a Workflow started a moment ago") || !strings.Contains(stdout, "--workflow-id does not") {
		t.Errorf("run = %d, stderr %q, stdout:\n%s", code, stderr, stdout)
	}
	if len(h.dialed) != 0 {
		t.Error("help dialled a server")
	}
	_, overview, _ := h.run(t, "--help")
	if !strings.Contains(overview, "  list        show the Activities that wait to be finished\n") {
		t.Errorf("the overview does not name list:\n%s", overview)
	}
}
