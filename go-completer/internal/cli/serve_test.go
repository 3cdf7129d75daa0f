package cli

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/serviceerror"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/async-completion/go-completer/internal/identity"
	"github.com/async-completion/go-completer/internal/lines"
	"github.com/async-completion/go-completer/internal/send"
)

// fakeServeClient is the fake client with a health check.
type fakeServeClient struct {
	*fakeClient
	healthErr error
}

func (f *fakeServeClient) CheckHealth(ctx context.Context, _ *client.CheckHealthRequest) (*client.CheckHealthResponse, error) {
	if _, ok := ctx.Deadline(); !ok {
		return nil, errors.New("a health check without a deadline")
	}
	if f.healthErr != nil {
		return nil, f.healthErr
	}
	return &client.CheckHealthResponse{}, nil
}

// newFakeServeClient answers every request with err (nil: done).
func newFakeServeClient(err error) *fakeServeClient {
	return &fakeServeClient{fakeClient: &fakeClient{err: err, fakeVisibility: &fakeVisibility{}}}
}

// syncBuffer is a standard error that requests write to at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// running is a serve started in process, on a free port.
type serving struct {
	url     string
	stderr  *syncBuffer
	options client.Options
	cancel  context.CancelFunc
	done    chan error
	// stdout is everything serve printed on standard output.
	stdout func() string
}

// startServe runs `serve --listen 127.0.0.1:0 ARGS` against fake until the
// test stops it (or ends).
func startServe(t *testing.T, fake *fakeServeClient, args ...string) *serving {
	t.Helper()
	cleanEnvironment(t)
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	r := &serving{stderr: &syncBuffer{}, cancel: cancel, done: make(chan error, 1)}
	var clients atomic.Int32
	newClient := func(options client.Options) (serveClient, error) {
		clients.Add(1)
		r.options = options
		return fake, nil
	}
	go func() {
		r.done <- runServe(ctx, append([]string{"--listen", "127.0.0.1:0", "--address", "127.0.0.1:7233"}, args...), outW, r.stderr, newClient)
		outW.Close()
	}()
	reader := bufio.NewReader(outR)
	first := make(chan string, 1)
	var rest bytes.Buffer
	restDone := make(chan struct{})
	go func() {
		line, _ := reader.ReadString('\n')
		first <- line
		io.Copy(&rest, reader)
		close(restDone)
	}()
	select {
	case line := <-first:
		url, ok := strings.CutPrefix(strings.TrimSuffix(line, "\n"), "Serving on ")
		if !ok {
			t.Fatalf("serve printed %q, then %v", line, <-r.done)
		}
		r.url = url
		r.stdout = func() string { <-restDone; return line + rest.String() }
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not print its Serving line")
	}
	if clients.Load() != 1 {
		t.Fatalf("serve made %d clients, want 1", clients.Load())
	}
	t.Cleanup(func() {
		cancel()
		<-r.done
	})
	return r
}

// stop sends the signal and waits for serve to return.
func (r *serving) stop(t *testing.T) error {
	t.Helper()
	r.cancel()
	select {
	case err := <-r.done:
		r.done <- err
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
		return nil
	}
}

type httpAnswer struct {
	status      int
	contentType string
	body        string
}

func (r *serving) post(t *testing.T, path, body string) httpAnswer {
	t.Helper()
	resp, err := http.Post(r.url+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	return readAnswer(t, resp)
}

func (r *serving) get(t *testing.T, path string) httpAnswer {
	t.Helper()
	resp, err := http.Get(r.url + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return readAnswer(t, resp)
}

func readAnswer(t *testing.T, resp *http.Response) httpAnswer {
	t.Helper()
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return httpAnswer{resp.StatusCode, resp.Header.Get("Content-Type"), string(body)}
}

func jsonAnswer(status int, code int, message string) httpAnswer {
	return httpAnswer{status, "application/json", string(lines.AppendAnswer(nil, lines.OutcomeName(code), code, message, false))}
}

func TestParseServeArgs(t *testing.T) {
	tests := []struct {
		args []string
		want *lines.Failure
	}{
		{[]string{"--result", "x"}, lines.UnknownOption("result")},
		{[]string{"--tasktoken", "0a"}, lines.UnknownOption("tasktoken")},
		{[]string{"--listen"}, lines.NeedsValue("listen")},
		{[]string{"--listen", "127.0.0.1:0", "stray"}, lines.UnexpectedArgument("stray")},
		{[]string{"--rpc-timeout", "soon"}, lines.BadRPCTimeout("soon")},
		// The command line is read whole before --listen is looked at.
		{[]string{"--listen", "nonsense", "--rpc-timeout", "soon"}, lines.BadRPCTimeout("soon")},
	}
	for _, tt := range tests {
		_, err := parseServeArgs(tt.args)
		if f, ok := err.(*lines.Failure); !ok || *f != *tt.want {
			t.Errorf("parseServeArgs(%q) = %v, want %v", tt.args, err, tt.want)
		}
	}
	c, err := parseServeArgs([]string{"-listen=[::1]:0", "--auth-token-file", "f", "--tls-cert=c", "-tls-key", "k", "--namespace", "ns", "--rpc-timeout", "1.5s"})
	if err != nil || c.listen != "[::1]:0" || c.authTokenFile.value != "f" || c.tlsCert.value != "c" || c.tlsKey.value != "k" ||
		c.conn.namespace != "ns" || c.conn.rpcTimeout != 1500*time.Millisecond {
		t.Errorf("parseServeArgs = %+v, %v", c, err)
	}
	if c, err := parseServeArgs(nil); err != nil || c.listen != "127.0.0.1:8080" || c.conn.rpcTimeout != 10*time.Second {
		t.Errorf("defaults = %+v, %v", c, err)
	}
}

func TestServeThroughTheCommandLine(t *testing.T) {
	h := &harness{fake: &fakeClient{}}
	code, stdout, stderr := h.run(t, "serve", "--help")
	if code != 0 || stdout != lines.HelpServe || stderr != "" {
		t.Errorf("serve --help = %d %q %q", code, stdout, stderr)
	}
	code, stdout, stderr = h.run(t, "serve", "--bogus")
	if code != 2 || stdout != "" || stderr != "error: unknown option \"--bogus\": see --help\n" {
		t.Errorf("serve --bogus = %d %q %q", code, stdout, stderr)
	}
	code, _, stderr = h.run(t, "serv")
	if code != 2 || stderr != "error: unknown command \"serv\": use complete, fail, heartbeat, cancel, inspect, list, serve or link (see --help)\n" {
		t.Errorf("serv = %d %q", code, stderr)
	}
	code, stdout, _ = h.run(t, "--help")
	if code != 0 || !strings.Contains(stdout, "\n  serve ") {
		t.Errorf("--help does not name serve: %q", stdout)
	}
}

func TestServeRefusesABadStartBeforeListening(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	short := write("short", "# a comment\n\nops short-secret\n")
	good := write("good", "ops Secret-0123456789abcdef\n")
	garbage := write("garbage", "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
	missing := filepath.Join(dir, "missing")
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	takenAddress := taken.Addr().String()

	tests := []struct {
		name string
		args []string
		env  map[string]string
		want *lines.Failure
	}{
		{"listen not HOST:PORT", []string{"--listen", "nonsense"}, nil, lines.ListenNotHostPort("nonsense")},
		{"listen without a port", []string{"--listen", "127.0.0.1"}, nil, lines.ListenNotHostPort("127.0.0.1")},
		{"a host name", []string{"--listen", "example.com:80"}, nil, lines.ListenNotHostPort("example.com:80")},
		{"every address without credentials", []string{"--listen", "0.0.0.0:0"}, nil, lines.ListenNeedsCredentials("0.0.0.0")},
		{"an IPv6 address without credentials", []string{"--listen", "[::]:0"}, nil, lines.ListenNeedsCredentials("::")},
		{"credentials missing", []string{"--auth-token-file", missing}, nil, lines.CannotReadCredentials(missing, "no such file or directory")},
		{"credentials a folder", []string{"--auth-token-file", dir}, nil, lines.CannotReadCredentials(dir, "is a directory")},
		{"a short secret", []string{"--auth-token-file", short}, nil, lines.NoCredentialOnLine(short, 3)},
		{"tls-cert alone", []string{"--tls-cert", garbage}, nil, lines.TLSTogether()},
		{"tls-key alone", []string{"--tls-key", garbage}, nil, lines.TLSTogether()},
		{"not PEM", []string{"--tls-cert", garbage, "--tls-key", short}, nil, lines.CannotLoadTLS(garbage, short)},
		{"TLS files missing", []string{"--tls-cert", missing, "--tls-key", missing}, nil, lines.CannotLoadTLS(missing, missing)},
		{"credentials before TLS", []string{"--tls-cert", garbage, "--auth-token-file", missing}, nil,
			lines.CannotReadCredentials(missing, "no such file or directory")},
		{"an address with a scheme", []string{"--auth-token-file", good}, map[string]string{"TEMPORAL_ADDRESS": "http://127.0.0.1:7233"},
			lines.AddressHasScheme("http")},
		{"a port taken", []string{"--listen", takenAddress}, nil, lines.CannotListen(takenAddress, "address already in use")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cleanEnvironment(t)
			for name, value := range tt.env {
				t.Setenv(name, value)
			}
			var stdout, stderr bytes.Buffer
			made := 0
			err := runServe(context.Background(), tt.args, &stdout, &stderr, func(client.Options) (serveClient, error) {
				made++
				return newFakeServeClient(nil), nil
			})
			if f, ok := err.(*lines.Failure); !ok || *f != *tt.want {
				t.Errorf("runServe = %v\nwant %v", err, tt.want)
			}
			if stdout.Len() != 0 || stderr.Len() != 0 {
				t.Errorf("printed %q %q", stdout.String(), stderr.String())
			}
		})
	}
}

func TestServeSendsEachJobAsTheCommandLineDoes(t *testing.T) {
	tokenHex, token := fixtureToken(t)
	fake := newFakeServeClient(nil)
	s := startServe(t, fake, "--namespace", "ns", "--rpc-timeout", "3s")
	if s.options.HostPort != "127.0.0.1:7233" || s.options.Namespace != "ns" || s.options.RPCTimeout != 3*time.Second {
		t.Errorf("client options %s %s %v", s.options.HostPort, s.options.Namespace, s.options.RPCTimeout)
	}
	byIDs := `"workflow_id":"order-7","activity_id":"a1","run_id":"run-1"`
	desc := lines.DescribeIDs("a1", "order-7")
	byToken := lines.DescribeAttempt("a1", "order-7", 2)
	tests := []struct {
		path, body string
		want       httpAnswer
		method     string
	}{
		{"/v1/complete", `{` + byIDs + `,"result":"Grüße"}`, jsonAnswer(200, 0, "Completed "+desc), "RespondActivityTaskCompletedById"},
		{"/v1/complete", `{"tasktoken":"` + tokenHex + `"}`, jsonAnswer(200, 0, "Completed "+byToken), "RespondActivityTaskCompleted"},
		{"/v1/fail", `{` + byIDs + `,"reason":"no","retryable":true}`, jsonAnswer(200, 0, lines.Failed(desc, true)), "RespondActivityTaskFailedById"},
		{"/v1/heartbeat", `{` + byIDs + `,"details":"40%"}`, jsonAnswer(200, 0, lines.HeartbeatRecorded(desc)), "RecordActivityTaskHeartbeatById"},
		{"/v1/heartbeat", `{"tasktoken":"` + tokenHex + `"}`, jsonAnswer(200, 0, lines.HeartbeatRecorded(byToken)), "RecordActivityTaskHeartbeat"},
		{"/v1/cancel", `{` + byIDs + `,"details":"stopped"}`, jsonAnswer(200, 0, lines.Cancelled(desc)), "RespondActivityTaskCanceledById"},
		// A listed line, posted as it is.
		{"/v1/complete", `{` + byIDs + `,"activity_type":"Activity","attempt":1,"maximum_attempts":0,"state":"started","waiting_since":null,"last_heartbeat_time":null,"heartbeat_details":null,"last_failure":null,"next_attempt_time":null,"paused_by":null,"pause_reason":null}`,
			jsonAnswer(200, 0, "Completed "+desc), "RespondActivityTaskCompletedById"},
	}
	anonymous := "anonymous (unauthenticated) via go-completer serve@" + identity.Host()
	for i, tt := range tests {
		if got := s.post(t, tt.path, tt.body); got != tt.want {
			t.Errorf("POST %s %s\n = %+v\nwant %+v", tt.path, tt.body, got, tt.want)
		}
		fake.mu.Lock()
		c := fake.calls[i]
		fake.mu.Unlock()
		if c.method != tt.method || !c.deadline || c.identity != anonymous || c.namespace != "ns" {
			t.Errorf("call %d: %s (deadline %v, identity %q, namespace %q), want %s", i, c.method, c.deadline, c.identity, c.namespace, tt.method)
		}
		if c.token != nil {
			wantCall(t, c, c.method, token)
		} else if c.workflowID != "order-7" || c.runID != "run-1" || c.activityID != "a1" || c.resourceID != "workflow:order-7" {
			t.Errorf("call %d by IDs: %+v", i, c)
		}
	}
	fake.mu.Lock()
	calls := fake.calls
	fake.mu.Unlock()
	if calls[0].result != "Grüße" || calls[1].result != "" {
		t.Errorf("results %q %q", calls[0].result, calls[1].result)
	}
	wantApplicationError(t, calls[2].err, "no", false)
	if fmt.Sprint(calls[3].details) != "[40%]" || calls[4].details != nil {
		t.Errorf("heartbeat details %v, %v", calls[3].details, calls[4].details)
	}
	var canceled *temporal.CanceledError
	if !errors.As(calls[5].err, &canceled) || !canceled.HasDetails() {
		t.Errorf("cancel sent %v", calls[5].err)
	}
}

func TestServeAnswersEachFailureWithItsStatusAndLine(t *testing.T) {
	desc := lines.DescribeIDs("a1", "order-7")
	unreachable := lines.Unreachable("127.0.0.1:7233", "1s").Message
	tests := []struct {
		name string
		err  error
		path string
		want httpAnswer
	}{
		{"not pending", serviceerror.NewNotFound("activity task not found"), "/v1/complete",
			jsonAnswer(409, 3, desc+` is not pending any more: no such Workflow run in namespace "default"`)},
		{"cancel not requested", serviceerror.NewFailedPrecondition("unable to mark activity as canceled without activity being request canceled first"),
			"/v1/cancel", jsonAnswer(409, 3, lines.CancelNotRequested(desc, "order-7").Message)},
		{"cancel requested", temporal.NewCanceledError(), "/v1/heartbeat", jsonAnswer(200, 5, lines.CancelRequested(desc).Message)},
		{"paused", activity.ErrActivityPaused, "/v1/heartbeat", jsonAnswer(200, 5, lines.Paused(desc).Message)},
		{"unavailable", serviceerror.NewUnavailable("connection refused"), "/v1/fail", jsonAnswer(503, 4, unreachable)},
		{"anything else", errors.New("boom"), "/v1/complete", jsonAnswer(500, 1, "boom")},
		// Errors of the first request, that connects (GetSystemInfo).
		{"no connection yet", connectionError{serviceerror.NewUnavailable("connection refused")}, "/v1/complete", jsonAnswer(503, 4, unreachable)},
		// Not a Temporal server at the address: read as a failure to
		// connect, as the other verbs read it, not as a refusal.
		{"not Temporal", connectionError{serviceerror.NewUnimplemented("unexpected HTTP status code received from server: 404")},
			"/v1/complete", jsonAnswer(503, 4, unreachable)},
		{"TLS handshake", connectionError{serviceerror.NewUnavailable("connection error: desc = \"transport: authentication handshake failed: tls: first record does not look like a TLS handshake\"")},
			"/v1/complete", jsonAnswer(503, 4, unreachable)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFakeServeClient(tt.err)
			if connect, ok := tt.err.(connectionError); ok {
				fake = newFakeServeClient(nil)
				fake.systemInfoErr = connect.err
			}
			s := startServe(t, fake, "--rpc-timeout", "1s")
			job := `{"workflow_id":"order-7","activity_id":"a1"}`
			if tt.path == "/v1/fail" {
				job = `{"workflow_id":"order-7","activity_id":"a1","reason":"r"}`
			}
			if got := s.post(t, tt.path, job); got != tt.want {
				t.Errorf("POST %s = %+v\nwant %+v", tt.path, got, tt.want)
			}
		})
	}
}

// connectionError is an error of serve's first request, which connects.
type connectionError struct{ err error }

func (e connectionError) Error() string { return e.err.Error() }

func TestServeChecksAJobAsTheBatchDoesBeforeSendingIt(t *testing.T) {
	fake := newFakeServeClient(nil)
	s := startServe(t, fake)
	ids := `"workflow_id":"wf","activity_id":"1"`
	tooLarge := strings.Repeat("a", 2097152)
	resultTooLarge := outcomeOf(send.CheckPayloadSize("result", tooLarge)).Message
	detailsTooLarge := outcomeOf(send.CheckPayloadSize("details", tooLarge)).Message
	if !strings.HasPrefix(resultTooLarge, "the result is ") || !strings.HasPrefix(detailsTooLarge, "the details is ") {
		t.Fatalf("too-large lines %q, %q", resultTooLarge, detailsTooLarge)
	}
	tests := []struct {
		path, body string
		want       httpAnswer
	}{
		{"/v1/complete", `{"tasktoken":"12ab!?"}`, jsonAnswer(400, 2, lines.TokenNotHex("!", 5))},
		{"/v1/heartbeat", `{"details":"d"}`, jsonAnswer(400, 2, lines.NoActivity().Message)},
		{"/v1/fail", `{` + ids + `}`, jsonAnswer(400, 2, lines.FailNeedsReason().Message)},
		{"/v1/fail", `{` + ids + `,"reason":"r","retryable":"yes"}`, jsonAnswer(400, 2, lines.NotAJob(`"retryable" must be true or false`).Message)},
		{"/v1/heartbeat", `{` + ids + `,"details":{"percent":40}}`, jsonAnswer(400, 2, lines.NotAJob(`"details" must be a text`).Message)},
		{"/v1/heartbeat", `{` + ids + `,"result":"r"}`,
			jsonAnswer(400, 2, lines.NotAJob(`unknown key "result" (heartbeat takes tasktoken, workflow_id, activity_id, run_id, details, identity, idempotency_key)`).Message)},
		{"/v1/cancel", `{` + ids + `,"reason":"r"}`,
			jsonAnswer(400, 2, lines.NotAJob(`unknown key "reason" (cancel takes tasktoken, workflow_id, activity_id, run_id, details, identity, idempotency_key)`).Message)},
		{"/v1/complete", `{` + ids + `,"details":"d"}`,
			jsonAnswer(400, 2, lines.NotAJob(`unknown key "details" (complete takes tasktoken, workflow_id, activity_id, run_id, result, identity, idempotency_key)`).Message)},
		{"/v1/complete", `{` + ids + `,"result":"` + tooLarge + `"}`, jsonAnswer(413, 2, resultTooLarge)},
		{"/v1/heartbeat", `{` + ids + `,"details":"` + tooLarge + `"}`, jsonAnswer(413, 2, detailsTooLarge)},
		{"/v1/cancel", `{` + ids + `,"details":"` + tooLarge + `"}`, jsonAnswer(413, 2, detailsTooLarge)},
		// The target is checked before the size, as in a batch.
		{"/v1/complete", `{"workflow_id":"wf","result":"` + tooLarge + `"}`, jsonAnswer(400, 2, lines.WorkflowIDAlone().Message)},
	}
	for _, tt := range tests {
		if got := s.post(t, tt.path, tt.body); got != tt.want {
			t.Errorf("POST %s %.80s\n = %+v\nwant %+v", tt.path, tt.body, got, tt.want)
		}
	}
	if len(fake.calls) != 0 {
		t.Errorf("%d requests sent", len(fake.calls))
	}
}

func TestServeHealthz(t *testing.T) {
	fake := newFakeServeClient(nil)
	s := startServe(t, fake, "--rpc-timeout", "2s")
	if got, want := s.get(t, "/healthz"), jsonAnswer(200, 0, "the Temporal server at 127.0.0.1:7233 answers"); got != want {
		t.Errorf("healthz = %+v, want %+v", got, want)
	}
	unreachable := jsonAnswer(503, 4, lines.Unreachable("127.0.0.1:7233", "2s").Message)
	for _, err := range []error{
		fmt.Errorf("failed reaching server: %w", serviceerror.NewUnavailable("connection refused")),
		fmt.Errorf("health check error: %w", serviceerror.NewUnavailable("connection refused")),
		errors.New("health check returned unhealthy status: NOT_SERVING"),
	} {
		fake.healthErr = err
		if got := s.get(t, "/healthz"); got != unreachable {
			t.Errorf("healthz with %v = %+v", err, got)
		}
	}
}

func TestServePendingIsListJSON(t *testing.T) {
	fake := newFakeServeClient(nil)
	heartbeat := time.Date(2026, 12, 3, 9, 41, 2, 500_000_000, time.UTC)
	fake.described = map[string]*workflowservice.DescribeWorkflowExecutionResponse{
		"order-17": describeResponse("order-17", "run-17", &workflowpb.PendingActivityInfo{
			ActivityId: "1", ActivityType: &commonpb.ActivityType{Name: "Activity"}, Attempt: 2, MaximumAttempts: 3,
			LastHeartbeatTime: timestamppb.New(heartbeat),
		}),
	}
	fake.pages = [][]*workflowpb.WorkflowExecutionInfo{{running("order-17", "run-17")}}
	fake.histories = listClient(time.Now()).histories
	s := startServe(t, fake)
	got := s.get(t, "/v1/pending?workflow_id=order-17")
	want := httpAnswer{200, "application/x-ndjson", `{"workflow_id":"order-17","run_id":"run-17","activity_id":"1","activity_type":"Activity",` +
		`"attempt":2,"maximum_attempts":3,"state":"unspecified","waiting_since":null,"last_heartbeat_time":"2026-12-03T09:41:02.5Z",` +
		`"heartbeat_details":null,"last_failure":null,"next_attempt_time":null,"paused_by":null,"pause_reason":null,"input":["Pay invoice 17 of 1,200 EUR"],"summary":null}` + "\n"}
	if got != want {
		t.Errorf("pending = %+v\nwant %+v", got, want)
	}
	if got2 := s.get(t, "/v1/pending"); got2 != got {
		t.Errorf("pending of the default query = %+v, want %+v", got2, got)
	}
	fake.mu.Lock()
	query := fake.requests[0].GetQuery()
	fake.mu.Unlock()
	if query != defaultListQuery {
		t.Errorf("query %q", query)
	}
	if got := s.get(t, "/v1/pending?workflow_id=nowhere"); got != (httpAnswer{200, "application/x-ndjson", ""}) {
		t.Errorf("nothing pending = %+v", got)
	}
	if got, want := s.get(t, "/v1/pending?workflow_id=a&query=b"), jsonAnswer(400, 2, lines.WorkflowIDAndQuery().Message); got != want {
		t.Errorf("both = %+v", got)
	}
	fake.listErr = serviceerror.NewInvalidArgument("invalid query")
	if got, want := s.get(t, "/v1/pending?query=nonsense"), jsonAnswer(409, 3, lines.QueryRefused("invalid query").Message); got != want {
		t.Errorf("refused query = %+v", got)
	}
	fake.listErr = serviceerror.NewUnavailable("down")
	if got, want := s.get(t, "/v1/pending"), jsonAnswer(503, 4, lines.Unreachable("127.0.0.1:7233", "10s").Message); got != want {
		t.Errorf("unreachable = %+v", got)
	}
}

func TestServeLogsOneLinePerRequestAndPrintsOneLine(t *testing.T) {
	fake := newFakeServeClient(nil)
	s := startServe(t, fake)
	s.post(t, "/v1/complete", `{"workflow_id":"wf","activity_id":"1","result":"secret-result"}`)
	s.get(t, "/")
	if err := s.stop(t); err != nil {
		t.Fatalf("stop = %v", err)
	}
	log := s.stderr.String()
	lines := strings.Split(strings.TrimSuffix(log, "\n"), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "serve: POST /v1/complete 200 ok ") || !strings.HasPrefix(lines[1], "serve: GET / 200 - ") ||
		strings.Contains(log, "secret-result") {
		t.Errorf("stderr = %q", log)
	}
	if out := s.stdout(); out != "Serving on "+s.url+"\n" {
		t.Errorf("stdout = %q", out)
	}
}

func TestServeLetsTheRequestsInFlightFinishOnStop(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	fake := newFakeServeClient(nil)
	fake.answer = func(call) error {
		started <- struct{}{}
		<-release
		return nil
	}
	s := startServe(t, fake)
	answered := make(chan httpAnswer, 1)
	go func() {
		answered <- s.post(t, "/v1/complete", `{"workflow_id":"wf","activity_id":"1"}`)
	}()
	<-started
	stopped := make(chan error, 1)
	go func() { stopped <- s.stop(t) }()

	// It stops accepting at once, while the request is in flight.
	address := strings.TrimPrefix(s.url, "http://")
	deadline := time.Now().Add(5 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", address, time.Second)
		if err != nil {
			break
		}
		conn.Close()
		if time.Now().After(deadline) {
			t.Fatal("serve still accepts connections after the signal")
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case err := <-stopped:
		t.Fatalf("serve returned %v with a request in flight", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	if got, want := <-answered, jsonAnswer(200, 0, "Completed "+lines.DescribeIDs("1", "wf")); got != want {
		t.Errorf("the request in flight got %+v, want %+v", got, want)
	}
	if err := <-stopped; err != nil {
		t.Errorf("serve returned %v, want nil (exit 0)", err)
	}
	if !fake.closed {
		t.Error("the Temporal client was not closed")
	}
}

func TestServeOverTLS(t *testing.T) {
	certFile, keyFile, pool := selfSignedCertificate(t)
	fake := newFakeServeClient(nil)
	s := startServe(t, fake, "--tls-cert", certFile, "--tls-key", keyFile)
	if !strings.HasPrefix(s.url, "https://127.0.0.1:") {
		t.Fatalf("url %q", s.url)
	}
	httpsClient := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := httpsClient.Get(s.url + "/v1/pending?workflow_id=x")
	if err != nil {
		t.Fatal(err)
	}
	got := readAnswer(t, resp)
	if got != (httpAnswer{200, "application/x-ndjson", ""}) || resp.Proto != "HTTP/1.1" {
		t.Errorf("GET over TLS = %+v %s", got, resp.Proto)
	}
	// The Host check names the https address.
	req, _ := http.NewRequest("GET", s.url+"/healthz", nil)
	req.Host = "evil.example"
	resp, err = httpsClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	want := string(lines.AppendAnswer(nil, lines.OutcomeForbidden, 2, lines.HostNotListener(s.url), false))
	if got := readAnswer(t, resp); got != (httpAnswer{403, "application/json", want}) {
		t.Errorf("a foreign Host over TLS = %+v", got)
	}
}

// selfSignedCertificate writes a certificate for 127.0.0.1 and its key, and
// returns a pool that trusts it.
func selfSignedCertificate(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	template := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "serve test"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}
