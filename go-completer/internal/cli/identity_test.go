package cli

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/serviceerror"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/async-completion/go-completer/internal/identity"
	"github.com/async-completion/go-completer/internal/lines"
)

// The fixture token's Activity: "a1" of "order-7", run "run-1", attempt 2,
// scheduled event 0 (so found by its Activity ID).

var closedAt = time.Date(2026, 12, 3, 10, 2, 11, 430_000_000, time.UTC)

const closedAtText = "2026-12-03T10:02:11.43Z"

func historyEvent(id int64, kind enumspb.EventType) *historypb.HistoryEvent {
	return &historypb.HistoryEvent{EventId: id, EventTime: timestamppb.New(closedAt), EventType: kind}
}

func scheduledEvent(id int64, activityID string) *historypb.HistoryEvent {
	e := historyEvent(id, enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
	e.Attributes = &historypb.HistoryEvent_ActivityTaskScheduledEventAttributes{ActivityTaskScheduledEventAttributes: &historypb.ActivityTaskScheduledEventAttributes{ActivityId: activityID}}
	return e
}

func startedEvent(id, scheduledID int64, attempt int32) *historypb.HistoryEvent {
	e := historyEvent(id, enumspb.EVENT_TYPE_ACTIVITY_TASK_STARTED)
	e.Attributes = &historypb.HistoryEvent_ActivityTaskStartedEventAttributes{ActivityTaskStartedEventAttributes: &historypb.ActivityTaskStartedEventAttributes{ScheduledEventId: scheduledID, Attempt: attempt}}
	return e
}

func textPayloads(t *testing.T, text string) *commonpb.Payloads {
	t.Helper()
	payloads, err := converter.GetDefaultDataConverter().ToPayloads(text)
	if err != nil {
		t.Fatal(err)
	}
	return payloads
}

// completedHistory is a history where attempt closed the Activity "a1" with
// a completion of result by identity.
func completedHistory(t *testing.T, attempt int32, result, identity string) []*historypb.HistoryEvent {
	closing := historyEvent(7, enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED)
	closing.Attributes = &historypb.HistoryEvent_ActivityTaskCompletedEventAttributes{ActivityTaskCompletedEventAttributes: &historypb.ActivityTaskCompletedEventAttributes{
		ScheduledEventId: 5, Result: textPayloads(t, result), Identity: identity}}
	return []*historypb.HistoryEvent{scheduledEvent(5, "a1"), startedEvent(6, 5, attempt), closing}
}

func failedHistory(attempt int32, reason string, nonRetryable bool, identity string) []*historypb.HistoryEvent {
	closing := historyEvent(7, enumspb.EVENT_TYPE_ACTIVITY_TASK_FAILED)
	closing.Attributes = &historypb.HistoryEvent_ActivityTaskFailedEventAttributes{ActivityTaskFailedEventAttributes: &historypb.ActivityTaskFailedEventAttributes{
		ScheduledEventId: 5, Identity: identity, Failure: &failurepb.Failure{Message: reason,
			FailureInfo: &failurepb.Failure_ApplicationFailureInfo{ApplicationFailureInfo: &failurepb.ApplicationFailureInfo{NonRetryable: nonRetryable}}}}}
	return []*historypb.HistoryEvent{scheduledEvent(5, "a1"), startedEvent(6, 5, attempt), closing}
}

func cancelledHistory(t *testing.T, details string) []*historypb.HistoryEvent {
	closing := historyEvent(7, enumspb.EVENT_TYPE_ACTIVITY_TASK_CANCELED)
	closing.Attributes = &historypb.HistoryEvent_ActivityTaskCanceledEventAttributes{ActivityTaskCanceledEventAttributes: &historypb.ActivityTaskCanceledEventAttributes{
		ScheduledEventId: 5, Details: textPayloads(t, details), Identity: "carol"}}
	return []*historypb.HistoryEvent{scheduledEvent(5, "a1"), startedEvent(6, 5, 2), closing}
}

func notFound(call) error { return serviceerror.NewNotFound("activity task not found") }

func TestIdentityAndIdempotencyKeyOptions(t *testing.T) {
	cleanEnvironment(t)
	tokenHex, _ := fixtureToken(t)
	resultFile := filepath.Join(t.TempDir(), "result.txt")
	if err := os.WriteFile(resultFile, []byte("r"), 0o600); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("é", 128)
	tests := []struct {
		args []string
		want *lines.Failure
	}{
		{[]string{"--tasktoken", tokenHex, "--identity", ""}, lines.BadIdentity()},
		{[]string{"--tasktoken", tokenHex, "--identity", long + "x"}, lines.BadIdentity()},
		{[]string{"--tasktoken", tokenHex, "--identity", "Ada\x07"}, lines.BadIdentity()},
		{[]string{"--tasktoken", tokenHex, "--identity", "Ada\u0085"}, lines.BadIdentity()},
		{[]string{"--tasktoken", tokenHex, "--identity", "Ada\x7f"}, lines.BadIdentity()},
		{[]string{"--tasktoken", tokenHex, "--identity", "Ada\xff"}, lines.BadIdentity()},
		{[]string{"heartbeat", "--tasktoken", tokenHex, "--idempotency-key", "has space"}, lines.BadIdempotencyKey()},
		{[]string{"cancel", "--tasktoken", tokenHex, "--idempotency-key", "café"}, lines.BadIdempotencyKey()},
		{[]string{"fail", "--tasktoken", tokenHex, "--reason", "r", "--idempotency-key", ""}, lines.BadIdempotencyKey()},
		{[]string{"--tasktoken", tokenHex, "--idempotency-key", strings.Repeat("k", 129)}, lines.BadIdempotencyKey()},
		// Their place in the check order: after --result with --result-file,
		// before the token.
		{[]string{"--tasktoken", tokenHex, "--result", "a", "--result-file", resultFile, "--identity", ""}, lines.ResultAndFile()},
		{[]string{"fail", "--tasktoken", tokenHex, "--identity", ""}, lines.FailNeedsReason()},
		{[]string{"--tasktoken", "xyz", "--identity", ""}, lines.BadIdentity()},
		{[]string{"--tasktoken", "xyz", "--identity", "ok", "--idempotency-key", " "}, lines.BadIdempotencyKey()},
		{[]string{"complete", "--batch", "-", "--identity", ""}, lines.BadIdentity()},
		{[]string{"inspect", "--tasktoken", tokenHex, "--identity", "a"}, lines.UnknownOption("identity")},
		{[]string{"list", "--idempotency-key", "a"}, lines.UnknownOption("idempotency-key")},
	}
	for _, tt := range tests {
		h := &harness{fake: &fakeClient{}}
		code, stdout, stderr := h.run(t, tt.args...)
		if code != tt.want.Code || stderr != "error: "+tt.want.Message+"\n" || stdout != "" || len(h.fake.calls) != 0 {
			t.Errorf("%q: run = %d %q %q (%d sent)\nwant %d %q", tt.args, code, stdout, stderr, len(h.fake.calls), tt.want.Code, tt.want.Message)
		}
	}
	// The longest of each is accepted.
	h := &harness{fake: &fakeClient{}}
	key := strings.Repeat("~", 64) + strings.Repeat("!", 64)
	if code, _, stderr := h.run(t, "--tasktoken", tokenHex, "--identity", long, "--idempotency-key", key); code != 0 {
		t.Errorf("the longest identity and key: %d %q", code, stderr)
	}
	if want := identity.Recorded(long, "cli", key); h.fake.calls[0].identity != want {
		t.Errorf("recorded %q, want %q", h.fake.calls[0].identity, want)
	}
}

func TestEveryRequestRecordsWhoActed(t *testing.T) {
	cleanEnvironment(t)
	tokenHex, _ := fixtureToken(t)
	host := identity.Host()
	defaultActor := strconv.Itoa(os.Getpid()) + "@" + host
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--tasktoken", tokenHex}, defaultActor + " via go-completer cli@" + host},
		{[]string{"complete", "--workflow-id", "w", "--activity-id", "1", "--identity", "Ada Lovelace"}, "Ada Lovelace via go-completer cli@" + host},
		{[]string{"fail", "--tasktoken", tokenHex, "--reason", "r", "--idempotency-key", "evt_1"}, defaultActor + " via go-completer cli@" + host + " key=evt_1"},
		{[]string{"heartbeat", "--tasktoken", tokenHex, "--identity", "ops", "--idempotency-key", "k"}, "ops via go-completer cli@" + host + " key=k"},
		{[]string{"cancel", "--workflow-id", "w", "--activity-id", "1", "-identity=bob"}, "bob via go-completer cli@" + host},
	}
	for _, tt := range tests {
		h := &harness{fake: &fakeClient{}}
		if code, _, stderr := h.run(t, tt.args...); code != 0 || len(h.fake.calls) != 1 {
			t.Fatalf("%q: %d %q", tt.args, code, stderr)
		}
		if got := h.fake.calls[0].identity; got != tt.want {
			t.Errorf("%q recorded %q, want %q", tt.args, got, tt.want)
		}
	}
}

func TestABatchJobsIdentityAndKeyWin(t *testing.T) {
	cleanEnvironment(t)
	host := identity.Host()
	jobs := strings.Join([]string{
		`{"workflow_id":"w1","activity_id":"1"}`,
		`{"workflow_id":"w2","activity_id":"1","identity":"Ada","idempotency_key":"evt_2"}`,
		`{"workflow_id":"w3","activity_id":"1","identity":""}`,
		`{"workflow_id":"w4","activity_id":"1","idempotency_key":"has space"}`,
		`{"workflow_id":"w5","activity_id":"1","identity":"Bob\u0000"}`,
	}, "\n")
	h := &harness{fake: &fakeClient{}, stdin: jobs}
	code, stdout, _ := h.run(t, "complete", "--batch", "-", "--identity", "ops", "--idempotency-key", "evt_1")
	want := map[string]string{
		"w1": "ops via go-completer cli@" + host + " key=evt_1",
		"w2": "Ada via go-completer cli@" + host + " key=evt_2",
	}
	if code != lines.ExitUsage || len(h.fake.calls) != 2 {
		t.Fatalf("run = %d, %d sent:\n%s", code, len(h.fake.calls), stdout)
	}
	for _, c := range h.fake.calls {
		if c.identity != want[c.workflowID] {
			t.Errorf("%s recorded %q, want %q", c.workflowID, c.identity, want[c.workflowID])
		}
	}
	for _, line := range []string{
		`{"line":3,"outcome":"malformed","code":2,"message":"the line is not a hex task token or a JSON job: \"identity\" must be 1 to 128 characters without control characters"}`,
		`{"line":4,"outcome":"malformed","code":2,"message":"the line is not a hex task token or a JSON job: \"idempotency_key\" must be 1 to 128 printable ASCII characters without spaces"}`,
		`{"line":5,"outcome":"malformed","code":2,"message":"the line is not a hex task token or a JSON job: \"identity\" must be 1 to 128 characters without control characters"}`,
	} {
		if !strings.Contains(stdout, line+"\n") {
			t.Errorf("stdout lacks %s:\n%s", line, stdout)
		}
	}
}

func TestARefusedRequestIsExplainedFromTheHistory(t *testing.T) {
	cleanEnvironment(t)
	tokenHex, _ := fixtureToken(t)
	byToken := `Activity "a1" of Workflow "order-7" (attempt 2)`
	byIDs := `Activity "a1" of Workflow "order-7"`
	withKey := "payments via go-completer serve@web-1 key=evt_42"
	tests := []struct {
		name      string
		args      []string
		history   []*historypb.HistoryEvent
		wantCode  int
		wantOut   string
		wantError string
	}{
		{"the same completion by token", []string{"--tasktoken", tokenHex, "--result", "Paid"}, completedHistory(t, 2, "Paid", withKey),
			0, "Already done: " + byToken + " was completed at " + closedAtText + " by " + withKey, ""},
		{"the same completion by IDs with its key", []string{"complete", "--workflow-id", "order-7", "--activity-id", "a1", "--result", "Paid", "--idempotency-key", "evt_42"},
			completedHistory(t, 2, "Paid", withKey), 0, "Already done: " + byIDs + " was completed at " + closedAtText + " by " + withKey, ""},
		{"another key", []string{"complete", "--workflow-id", "order-7", "--activity-id", "a1", "--result", "Paid", "--idempotency-key", "evt_43"},
			completedHistory(t, 2, "Paid", withKey), 3, "", byIDs + " is not pending any more: it was completed at " + closedAtText + " by " + withKey},
		{"another result", []string{"--tasktoken", tokenHex, "--result", "Refunded"}, completedHistory(t, 2, "Paid", ""),
			3, "", byToken + " is not pending any more: it was completed at " + closedAtText + " by an unnamed client"},
		{"another attempt completed", []string{"--tasktoken", tokenHex, "--result", "Paid"}, completedHistory(t, 3, "Paid", "x"),
			3, "", byToken + " is not pending any more: attempt 2 was retried: attempt 3 was completed at " + closedAtText + " by x"},
		{"the same failure", []string{"fail", "--tasktoken", tokenHex, "--reason", "no stock"}, failedHistory(2, "no stock", true, "bob"),
			0, "Already done: " + byToken + " was failed at " + closedAtText + " by bob", ""},
		{"a failure, retryable this time", []string{"fail", "--tasktoken", tokenHex, "--reason", "no stock", "--retryable"}, failedHistory(2, "no stock", true, "bob"),
			3, "", byToken + " is not pending any more: it failed at " + closedAtText + ": no stock (reported by bob)"},
		{"the same cancellation", []string{"cancel", "--workflow-id", "order-7", "--activity-id", "a1", "--details", "stopped"}, cancelledHistory(t, "stopped"),
			0, "Already done: " + byIDs + " was reported as cancelled at " + closedAtText + " by carol", ""},
		{"a heartbeat is never already done", []string{"heartbeat", "--tasktoken", tokenHex}, completedHistory(t, 2, "", "x"),
			3, "", byToken + " is not pending any more: it was completed at " + closedAtText + " by x"},
		{"a heartbeat of a closed Workflow", []string{"heartbeat", "--workflow-id", "order-7", "--activity-id", "a1"},
			[]*historypb.HistoryEvent{scheduledEvent(5, "a1"), historyEvent(9, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED)},
			3, "", byIDs + " is not pending any more: its Workflow was terminated at " + closedAtText},
		{"a history that says nothing", []string{"--tasktoken", tokenHex}, []*historypb.HistoryEvent{scheduledEvent(5, "a1")},
			3, "", byToken + " is not pending any more: it was completed, failed, timed out or retried, or its Workflow closed; a retry logs a new token in the Worker's log (its history does not say)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &fakeClient{answer: notFound, histories: map[string][]*historypb.HistoryEvent{"order-7": tt.history}}
			h := &harness{fake: fake}
			code, stdout, stderr := h.run(t, append(tt.args, "--namespace", "ns")...)
			wantOut, wantErr := "", ""
			if tt.wantOut != "" {
				wantOut = tt.wantOut + "\n"
			}
			if tt.wantError != "" {
				wantErr = "error: " + tt.wantError + "\n"
			}
			if code != tt.wantCode || stdout != wantOut || stderr != wantErr {
				t.Errorf("run = %d\nstdout %q\nstderr %q\nwant %d\nstdout %q\nstderr %q", code, stdout, stderr, tt.wantCode, wantOut, wantErr)
			}
			if len(fake.reads) != 1 || fake.reads[0].Namespace != "ns" || fake.reads[0].Execution.GetWorkflowId() != "order-7" {
				t.Errorf("history reads %v", fake.reads)
			}
		})
	}
}

func TestTheHappyPathReadsNoHistory(t *testing.T) {
	cleanEnvironment(t)
	tokenHex, _ := fixtureToken(t)
	fake := &fakeClient{}
	h := &harness{fake: fake}
	for _, args := range [][]string{{"--tasktoken", tokenHex}, {"fail", "--tasktoken", tokenHex, "--reason", "r"}, {"heartbeat", "--tasktoken", tokenHex}} {
		if code, _, _ := h.run(t, args...); code != 0 {
			t.Fatalf("%q: %d", args, code)
		}
	}
	// Nor does any refusal but "not pending any more".
	fake.err = serviceerror.NewInvalidArgument("Operation requested with a token from a different namespace.")
	h.run(t, "--tasktoken", tokenHex)
	fake.err = serviceerror.NewNamespaceNotFound("nosuch")
	h.run(t, "--tasktoken", tokenHex)
	if len(fake.reads) != 0 {
		t.Errorf("%d history reads", len(fake.reads))
	}
}

func TestAHistoryThatCannotBeReadKeepsTheRefusal(t *testing.T) {
	cleanEnvironment(t)
	tokenHex, _ := fixtureToken(t)
	generic := `error: Activity "a1" of Workflow "order-7" (attempt 2) is not pending any more: it was completed, failed, timed out or retried, or its Workflow closed; a retry logs a new token in the Worker's log`
	for _, tt := range []struct {
		err  error
		want string
	}{
		{serviceerror.NewPermissionDenied("Request unauthorized.", ""), generic + " (its history could not be read: Request unauthorized.)\n"},
		{serviceerror.NewUnavailable("connection refused"), generic + " (its history could not be read: connection refused)\n"},
		{serviceerror.NewInternal(""), generic + " (its history could not be read: INTERNAL)\n"},
		{serviceerror.NewDeadlineExceeded("deadline exceeded"), generic + " (its history could not be read: no answer within 1s)\n"},
	} {
		h := &harness{fake: &fakeClient{answer: notFound, historyErr: tt.err}}
		code, stdout, stderr := h.run(t, "--tasktoken", tokenHex, "--rpc-timeout", "1s")
		if code != lines.ExitRefused || stdout != "" || stderr != tt.want {
			t.Errorf("run = %d %q %q\nwant 3 %q", code, stdout, stderr, tt.want)
		}
	}
}

func TestARetriedAttemptPendingNow(t *testing.T) {
	cleanEnvironment(t)
	tokenHex, _ := fixtureToken(t)
	fake := &fakeClient{answer: notFound, histories: map[string][]*historypb.HistoryEvent{"order-7": {scheduledEvent(5, "a1")}},
		fakeVisibility: &fakeVisibility{described: map[string]*workflowservice.DescribeWorkflowExecutionResponse{
			"order-7": describeResponse("order-7", "run-1", &workflowpb.PendingActivityInfo{ActivityId: "a1", Attempt: 3}),
		}}}
	h := &harness{fake: fake}
	code, _, stderr := h.run(t, "--tasktoken", tokenHex)
	want := `error: Activity "a1" of Workflow "order-7" (attempt 2) is not pending any more: attempt 2 was retried: attempt 3 is pending now; its token is in the Worker's log` + "\n"
	if code != lines.ExitRefused || stderr != want {
		t.Errorf("run = %d %q\nwant 3 %q", code, stderr, want)
	}
}

func TestABatchJobAlreadyDoneSaysSo(t *testing.T) {
	cleanEnvironment(t)
	fake := &fakeClient{answer: notFound, histories: map[string][]*historypb.HistoryEvent{"order-7": completedHistory(t, 1, "Paid", "x")}}
	h := &harness{fake: fake, stdin: `{"workflow_id":"order-7","activity_id":"a1"}` + "\n" + `{"workflow_id":"order-7","activity_id":"a1","result":"Other"}`}
	code, stdout, stderr := h.run(t, "complete", "--batch", "-", "--result", "Paid")
	want := []string{
		`{"line":1,"outcome":"ok","code":0,"message":"Already done: Activity \"a1\" of Workflow \"order-7\" was completed at ` + closedAtText + ` by x","already":true}` + "\n",
		`{"line":2,"outcome":"refused","code":3,"message":"Activity \"a1\" of Workflow \"order-7\" is not pending any more: it was completed at ` + closedAtText + ` by x"}` + "\n",
	}
	got := splitOutput(stdout)
	if code != lines.ExitRefused || len(got) != 2 || got[0] != want[0] || got[1] != want[1] || !strings.Contains(stderr, "1 of 2 jobs did not succeed (1 refused") {
		t.Errorf("run = %d\n%s\n%s\nwant\n%s", code, stdout, stderr, strings.Join(want, ""))
	}
}

func TestARequestTheServerCouldNotTakeIsRetriedUntilItsDeadline(t *testing.T) {
	cleanEnvironment(t)
	tokenHex, _ := fixtureToken(t)
	tries := 0
	fake := &fakeClient{answer: func(call) error {
		tries++
		if tries < 3 {
			return serviceerror.NewUnavailable("connection reset")
		}
		return nil
	}}
	h := &harness{fake: fake}
	if code, stdout, stderr := h.run(t, "--tasktoken", tokenHex); code != 0 || tries != 3 {
		t.Errorf("run = %d %q %q after %d tries", code, stdout, stderr, tries)
	}
	// Not past its deadline, and a refusal is not retried.
	fake.answer = func(call) error {
		tries++
		return serviceerror.NewResourceExhausted(enumspb.RESOURCE_EXHAUSTED_CAUSE_RPS_LIMIT, "busy")
	}
	start := time.Now()
	code, _, stderr := h.run(t, "--tasktoken", tokenHex, "--rpc-timeout", "700ms")
	if elapsed := time.Since(start); code != lines.ExitRefused || elapsed < 500*time.Millisecond || elapsed > 3*time.Second {
		t.Errorf("busy server: %d %q after %v", code, stderr, elapsed)
	}
	tries = 0
	fake.answer = func(call) error { tries++; return serviceerror.NewInvalidArgument("no") }
	if h.run(t, "--tasktoken", tokenHex); tries != 1 {
		t.Errorf("a refusal was sent %d times", tries)
	}
}

func TestServeRecordsWhoActed(t *testing.T) {
	host := identity.Host()
	credentials := filepath.Join(t.TempDir(), "credentials")
	if err := os.WriteFile(credentials, []byte("ops-team Ops-Secret-0123456789\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	const job = `{"workflow_id":"order-7","activity_id":"a1","result":"ok","identity":"mallory"}`
	tests := []struct {
		name    string
		args    []string
		headers map[string]string
		body    string
		want    httpAnswer
		record  string
	}{
		{"unauthenticated, named", nil, nil, job, jsonAnswer(200, 0, `Completed Activity "a1" of Workflow "order-7"`),
			"mallory (unauthenticated) via go-completer serve@" + host},
		{"unauthenticated, with a key", nil, map[string]string{"Idempotency-Key": "evt_1"}, `{"workflow_id":"order-7","activity_id":"a1"}`,
			jsonAnswer(200, 0, `Completed Activity "a1" of Workflow "order-7"`), "anonymous (unauthenticated) via go-completer serve@" + host + " key=evt_1"},
		{"the key in the body", nil, nil, `{"workflow_id":"order-7","activity_id":"a1","idempotency_key":"evt_2"}`,
			jsonAnswer(200, 0, `Completed Activity "a1" of Workflow "order-7"`), "anonymous (unauthenticated) via go-completer serve@" + host + " key=evt_2"},
		{"the same key twice", nil, map[string]string{"Idempotency-Key": "evt_2"}, `{"workflow_id":"order-7","activity_id":"a1","idempotency_key":"evt_2"}`,
			jsonAnswer(200, 0, `Completed Activity "a1" of Workflow "order-7"`), "anonymous (unauthenticated) via go-completer serve@" + host + " key=evt_2"},
		{"the credential's name, not the body's", []string{"--auth-token-file", credentials}, map[string]string{"Authorization": "Bearer Ops-Secret-0123456789"}, job,
			jsonAnswer(200, 0, `Completed Activity "a1" of Workflow "order-7"`), "ops-team via go-completer serve@" + host},
		{"a bad key", nil, map[string]string{"Idempotency-Key": "has space"}, job, jsonAnswer(400, 2, lines.KeyHeaderBad), ""},
		{"an empty key", nil, map[string]string{"Idempotency-Key": ""}, job, jsonAnswer(400, 2, lines.KeyHeaderBad), ""},
		{"keys that differ", nil, map[string]string{"Idempotency-Key": "evt_1"}, `{"workflow_id":"order-7","activity_id":"a1","idempotency_key":"evt_2"}`,
			jsonAnswer(400, 2, lines.KeysDiffer), ""},
		{"a bad identity, even with a credential", []string{"--auth-token-file", credentials}, map[string]string{"Authorization": "Bearer Ops-Secret-0123456789"},
			`{"workflow_id":"order-7","activity_id":"a1","identity":""}`, jsonAnswer(400, 2, lines.JobBadIdentity().Message), ""},
		{"the job is checked before the key", nil, map[string]string{"Idempotency-Key": "has space"}, `{"workflow_id":"order-7"}`,
			jsonAnswer(400, 2, lines.WorkflowIDAlone().Message), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFakeServeClient(nil)
			s := startServe(t, fake, tt.args...)
			request, _ := http.NewRequest("POST", s.url+"/v1/complete", strings.NewReader(tt.body))
			request.Header.Set("Content-Type", "application/json")
			for name, value := range tt.headers {
				request.Header[name] = []string{value}
			}
			resp, err := http.DefaultClient.Do(request)
			if err != nil {
				t.Fatal(err)
			}
			if got := readAnswer(t, resp); got != tt.want {
				t.Errorf("answer %+v\nwant   %+v", got, tt.want)
			}
			fake.mu.Lock()
			defer fake.mu.Unlock()
			if tt.record == "" {
				if len(fake.calls) != 0 {
					t.Errorf("%d requests sent", len(fake.calls))
				}
				return
			}
			if len(fake.calls) != 1 || fake.calls[0].identity != tt.record {
				t.Errorf("calls %+v, want one recording %q", fake.calls, tt.record)
			}
		})
	}
}

func TestServeAnswersARepeatAsAlreadyDone(t *testing.T) {
	fake := newFakeServeClient(serviceerror.NewNotFound("activity task not found"))
	withKey := "payments via go-completer serve@web-1 key=evt_42"
	fake.histories = map[string][]*historypb.HistoryEvent{"order-7": completedHistory(t, 1, "Paid", withKey)}
	s := startServe(t, fake)
	desc := `Activity "a1" of Workflow "order-7"`
	already := httpAnswer{200, "application/json", string(lines.AppendAnswer(nil, "ok", 0, "Already done: "+desc+" was completed at "+closedAtText+" by "+withKey, true))}
	for body, want := range map[string]httpAnswer{
		`{"workflow_id":"order-7","activity_id":"a1","result":"Paid"}`:                            already,
		`{"workflow_id":"order-7","activity_id":"a1","result":"Paid","idempotency_key":"evt_42"}`: already,
		`{"workflow_id":"order-7","activity_id":"a1","result":"Paid","idempotency_key":"evt_43"}`: jsonAnswer(409, 3,
			desc+" is not pending any more: it was completed at "+closedAtText+" by "+withKey),
	} {
		if got := s.post(t, "/v1/complete", body); got != want {
			t.Errorf("POST %s\n = %+v\nwant %+v", body, got, want)
		}
	}
}

func TestServeReachesTemporalOnceBeforeItsFirstRequest(t *testing.T) {
	fake := newFakeServeClient(nil)
	fake.systemInfoErr = serviceerror.NewUnavailable("connection refused")
	s := startServe(t, fake, "--rpc-timeout", "1s")
	job := `{"workflow_id":"order-7","activity_id":"a1"}`
	if got := s.post(t, "/v1/complete", job); got.status != 503 || len(fake.calls) != 0 {
		t.Errorf("before Temporal answers: %+v, %d sent", got, len(fake.calls))
	}
	fake.systemInfoErr = nil
	if got := s.post(t, "/v1/complete", job); got.status != 200 {
		t.Errorf("once it answers: %+v", got)
	}
	// Not asked again: a later outage is the request's own.
	fake.systemInfoErr = serviceerror.NewUnimplemented("unexpected HTTP status code received from server: 404")
	if got := s.post(t, "/v1/complete", job); got.status != 200 {
		t.Errorf("after: %+v", got)
	}
}

func TestServeSaysWhoAnActionRecords(t *testing.T) {
	host := identity.Host()
	credentials := filepath.Join(t.TempDir(), "credentials")
	if err := os.WriteFile(credentials, []byte("ops-team Ops-Secret-0123456789\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	open := startServe(t, newFakeServeClient(nil))
	for query, want := range map[string]httpAnswer{
		"":                                  jsonAnswer(200, 0, "anonymous (unauthenticated) via go-completer serve@"+host),
		"?name=Ada%20Lovelace":              jsonAnswer(200, 0, "Ada Lovelace (unauthenticated) via go-completer serve@"+host),
		"?name=":                            jsonAnswer(400, 2, "the name must be 1 to 128 characters without control characters"),
		"?name=%07":                         jsonAnswer(400, 2, "the name must be 1 to 128 characters without control characters"),
		"?name=%FF":                         jsonAnswer(400, 2, "the name must be 1 to 128 characters without control characters"),
		"?name=" + strings.Repeat("x", 129): jsonAnswer(400, 2, "the name must be 1 to 128 characters without control characters"),
	} {
		if got := open.get(t, "/v1/identity"+query); got != want {
			t.Errorf("GET /v1/identity%s = %+v\nwant %+v", query, got, want)
		}
	}
	secured := startServe(t, newFakeServeClient(nil), "--auth-token-file", credentials)
	request, _ := http.NewRequest("GET", secured.url+"/v1/identity?name=mallory", nil)
	request.Header.Set("Authorization", "Bearer Ops-Secret-0123456789")
	resp, err := http.DefaultClient.Do(request)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := readAnswer(t, resp), jsonAnswer(200, 0, "ops-team via go-completer serve@"+host); got != want {
		t.Errorf("with a credential: %+v\nwant %+v", got, want)
	}
}
