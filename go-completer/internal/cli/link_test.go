package cli

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/serviceerror"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/async-completion/go-completer/internal/identity"
	"github.com/async-completion/go-completer/internal/lines"
	"github.com/async-completion/go-completer/internal/links"
	"github.com/async-completion/go-completer/internal/page"
)

const linkKey = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func linkKeyFile(t *testing.T, content string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "link.key")
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return path
}

// pendingAt is a fake whose Workflow order-7 (run run-9) has Activity a1
// pending at attempt.
func pendingAt(attempt int32) *fakeVisibility {
	return &fakeVisibility{described: map[string]*workflowservice.DescribeWorkflowExecutionResponse{
		"order-7": describeResponse("order-7", "run-9", &workflowpb.PendingActivityInfo{ActivityId: "other", Attempt: 5}, &workflowpb.PendingActivityInfo{ActivityId: "a1", Attempt: attempt}),
	}}
}

func TestLinkChecksItsOptionsInOrder(t *testing.T) {
	cleanEnvironment(t)
	key := linkKeyFile(t, linkKey, 0o600)
	short := linkKeyFile(t, "short\n", 0o600)
	ids := []string{"--workflow-id", "order-7", "--activity-id", "a1"}
	full := func(extra ...string) []string {
		return append(append(append([]string{}, ids...), "--base-url", "http://h:8080", "--link-key-file", key), extra...)
	}
	tests := []struct {
		args []string
		want *lines.Failure
	}{
		{[]string{"--tasktoken", "0a"}, lines.UnknownOption("tasktoken")},
		{[]string{"--action"}, lines.NeedsValue("action")},
		{append(full("--action", "approve"), "stray"), lines.UnexpectedArgument("stray")},
		{full("--action", "approve", "--rpc-timeout", "soon"), lines.BadRPCTimeout("soon")},
		{[]string{"--action", "approve"}, lines.NoActivity()},
		{[]string{"--workflow-id", "w", "--action", "approve"}, lines.WorkflowIDAlone()},
		{[]string{"--run-id", "r", "--action", "approve"}, lines.RunIDAlone()},
		{full(), lines.BadAction()},
		{full("--action", "Approve"), lines.BadAction()},
		{full("--action", "approve", "--reason", "r"), lines.TextForOtherAction()},
		{full("--action", "reject", "--result", "r", "--reason", "r"), lines.TextForOtherAction()},
		{full("--action", "reject"), lines.RejectNeedsReason()},
		{full("--action", "reject", "--reason", ""), lines.RejectNeedsReason()},
		{full("--action", "approve", "--result", strings.Repeat("x", 501)), lines.LinkTextTooLong()},
		{full("--action", "approve", "--for", "a b", "--expires", "soon"), lines.BadFor()},
		{full("--action", "approve", "--expires", "soon", "--expires-at", "then"), lines.BothExpires()},
		{full("--action", "approve", "--expires", "366d"), lines.BadExpires("366d")},
		{full("--action", "approve", "--expires-at", "2020-01-01T00:00:00Z"), lines.BadExpiresAt("2020-01-01T00:00:00Z")},
		{append(ids, "--action", "approve", "--base-url", "ftp://h"), lines.LinkNeedsURLAndKey()},
		{append(ids, "--action", "approve", "--link-key-file", key), lines.LinkNeedsURLAndKey()},
		{append(ids, "--action", "approve", "--base-url", "ftp://h", "--link-key-file", short), lines.BadBaseURL("ftp://h")},
		{append(ids, "--action", "approve", "--base-url", "http://h", "--link-key-file", short), lines.LinkKeyTooShort(1, short)},
	}
	for _, tt := range tests {
		h := &harness{fake: &fakeClient{fakeVisibility: pendingAt(1)}}
		code, stdout, stderr := h.run(t, append([]string{"link"}, tt.args...)...)
		if code != tt.want.Code || stdout != "" || stderr != "error: "+tt.want.Message+"\n" || len(h.dialed) != 0 {
			t.Errorf("link %q = %d %q %q (dialled %d)\nwant %d %q", tt.args, code, stdout, stderr, len(h.dialed), tt.want.Code, tt.want.Message)
		}
	}
}

func TestLinkPrintsTheSignedURLOfTheCurrentAttempt(t *testing.T) {
	cleanEnvironment(t)
	key := linkKeyFile(t, linkKey+"\n"+strings.Repeat("p", 32)+"\n", 0o600)
	now := time.Date(2026, 12, 3, 9, 0, 0, 700_000_000, time.UTC)
	ids := []string{"link", "--workflow-id", "order-7", "--activity-id", "a1", "--link-key-file", key, "--namespace", "ns"}
	tests := []struct {
		args []string
		base string
		want links.Link
	}{
		{append(ids, "--action", "approve", "--base-url", "https://approvals.example.com/"), "https://approvals.example.com",
			links.Link{Namespace: "ns", WorkflowID: "order-7", RunID: "run-9", ActivityID: "a1", Attempt: 3, Action: "approve", Text: "", For: "link", Expires: now.Unix() + 72*3600}},
		{append(ids, "--action", "reject", "--reason", "Grüße <b>", "--for", "ada@example", "--expires", "90m", "--base-url", "http://127.0.0.1:8080/approvals", "--run-id", "run-9"),
			"http://127.0.0.1:8080/approvals",
			links.Link{Namespace: "ns", WorkflowID: "order-7", RunID: "run-9", ActivityID: "a1", Attempt: 3, Action: "reject", Text: "Grüße <b>", For: "ada@example", Expires: now.Unix() + 5400}},
		{append(ids, "--action", "approve", "--result", "ok", "--expires-at", "2026-12-06T10:00:00.9+01:00", "--base-url", "http://h"), "http://h",
			links.Link{Namespace: "ns", WorkflowID: "order-7", RunID: "run-9", ActivityID: "a1", Attempt: 3, Action: "approve", Text: "ok", For: "link", Expires: 1796547600}},
	}
	for _, tt := range tests {
		fake := &fakeClient{fakeVisibility: pendingAt(3)}
		h := &harness{fake: fake, now: now}
		code, stdout, stderr := h.run(t, tt.args...)
		want := tt.base + "/a/" + links.Sign(tt.want, []byte(linkKey)) + "\n"
		if code != 0 || stdout != want || stderr != "" {
			t.Errorf("%q = %d %q %q\nwant %q", tt.args, code, stdout, stderr, want)
		}
		if len(fake.describes) != 1 || fake.describes[0] != "order-7/"+tt.want.RunID && fake.describes[0] != "order-7/" || len(fake.calls) != 0 || !fake.closed {
			t.Errorf("describes %q, calls %d, closed %v", fake.describes, len(fake.calls), fake.closed)
		}
	}
}

func TestLinkOfAnActivityThatIsNotPendingSaysWhatClosedIt(t *testing.T) {
	cleanEnvironment(t)
	key := linkKeyFile(t, linkKey, 0o644)
	args := []string{"link", "--workflow-id", "order-7", "--activity-id", "a1", "--action", "approve", "--base-url", "http://h", "--link-key-file", key}
	warning := `warning: the link key file "` + key + `" can be read by other users: chmod 600 ` + key + "\n"
	desc := `Activity "a1" of Workflow "order-7"`
	for _, tt := range []struct {
		name string
		fake *fakeClient
		code int
		want string
	}{
		{"completed", &fakeClient{fakeVisibility: &fakeVisibility{described: map[string]*workflowservice.DescribeWorkflowExecutionResponse{
			"order-7": describeResponse("order-7", "run-9")}},
			histories: map[string][]*historypb.HistoryEvent{"order-7": completedHistory(t, 1, "x", "ada")}},
			3, desc + " is not pending any more: it was completed at " + closedAtText + " by ada"},
		{"no such Workflow", &fakeClient{fakeVisibility: &fakeVisibility{describeErr: serviceerror.NewNotFound("workflow not found")}},
			3, desc + ` is not pending any more: no such Workflow run in namespace "default"`},
		{"unknown namespace", &fakeClient{fakeVisibility: &fakeVisibility{describeErr: serviceerror.NewNamespaceNotFound("default")}},
			3, `namespace "default" was not found on the server at localhost:7233: check --namespace or TEMPORAL_NAMESPACE`},
		{"refused", &fakeClient{fakeVisibility: &fakeVisibility{describeErr: serviceerror.NewPermissionDenied("no", "")}},
			3, "the server refused the request: no"},
	} {
		h := &harness{fake: tt.fake}
		code, stdout, stderr := h.run(t, args...)
		if code != tt.code || stdout != "" || stderr != warning+"error: "+tt.want+"\n" {
			t.Errorf("%s: %d %q %q\nwant %d %q", tt.name, code, stdout, stderr, tt.code, tt.want)
		}
	}
}

// signedLink is a link for the fake's order-7/run-9/a1 at attempt, signed
// with linkKey, that expires in an hour.
func signedLink(attempt int64, action, text string) links.Link {
	return links.Link{Namespace: "default", WorkflowID: "order-7", RunID: "run-9", ActivityID: "a1", Attempt: attempt, Action: action, Text: text,
		For: "ada", Expires: time.Now().Add(time.Hour).Unix()}
}

type pageAnswer struct {
	status int
	body   string
}

func (r *serving) linkRequest(t *testing.T, method string, link links.Link, key string) pageAnswer {
	t.Helper()
	request, _ := http.NewRequest(method, r.url+"/a/"+links.Sign(link, []byte(key)), strings.NewReader("confirm=yes"))
	request.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(request)
	if err != nil {
		t.Fatal(err)
	}
	got := readAnswer(t, resp)
	if got.contentType != "text/html; charset=utf-8" || resp.Header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("%s: headers %v", method, resp.Header)
	}
	return pageAnswer{got.status, got.body}
}

func wantLinkPage(link links.Link, title, message, form string) string {
	p := linkPage(link)
	p.Title, p.Message, p.Form = title, message, form
	return string(page.Link(p))
}

func TestServeAnswersSignedLinks(t *testing.T) {
	key := linkKeyFile(t, linkKey+"\n"+strings.Repeat("p", 32), 0o600)
	host := identity.Host()
	desc := `Activity "a1" of Workflow "order-7" (attempt 1)`

	fake := newFakeServeClient(nil)
	fake.fakeVisibility = pendingAt(1)
	s := startServe(t, fake, "--link-key-file", key, "--auth-token-file", credentialsFile(t))
	approve := signedLink(1, links.Approve, "Approved <b>")
	confirm := pageAnswer{200, wantLinkPage(approve, "Approve?", desc+" is pending: press the button to approve it.", `<form method="post"><button type="submit">Approve</button></form>`)}
	for range 3 {
		if got := s.linkRequest(t, "GET", approve, linkKey); got != confirm {
			t.Errorf("GET = %+v\nwant %+v", got, confirm)
		}
		if got := s.linkRequest(t, "HEAD", approve, linkKey); got.status != 200 || got.body != "" {
			t.Errorf("HEAD = %+v", got)
		}
	}
	if len(fake.calls) != 0 {
		t.Fatalf("GET or HEAD acted: %+v", fake.calls)
	}
	done := pageAnswer{200, wantLinkPage(approve, "Approved", "Completed "+desc, "")}
	if got := s.linkRequest(t, "POST", approve, linkKey); got != done {
		t.Errorf("POST = %+v\nwant %+v", got, done)
	}
	if len(fake.calls) != 1 {
		t.Fatalf("calls %+v", fake.calls)
	}
	c := fake.calls[0]
	if c.method != "RespondActivityTaskCompletedById" || c.workflowID != "order-7" || c.runID != "run-9" || c.activityID != "a1" ||
		c.result != "Approved <b>" || c.identity != "ada (link) via go-completer serve@"+host {
		t.Errorf("sent %+v", c)
	}

	// Reject, with the previous key.
	reject := signedLink(1, links.Reject, "no")
	rejected := pageAnswer{200, wantLinkPage(reject, "Rejected", "Failed "+desc+" (non-retryable)", "")}
	if got := s.linkRequest(t, "POST", reject, strings.Repeat("p", 32)); got != rejected {
		t.Errorf("POST reject = %+v\nwant %+v", got, rejected)
	}
	wantApplicationError(t, fake.calls[1].err, "no", true)

	// A link for attempt 1 once attempt 2 is pending.
	fake.fakeVisibility = pendingAt(2)
	retried := desc + " is not pending any more: attempt 1 was retried: attempt 2 is pending now; its token is in the Worker's log"
	if got, want := s.linkRequest(t, "GET", approve, linkKey), (pageAnswer{200, wantLinkPage(approve, "This link can no longer act", retried, "")}); got != want {
		t.Errorf("GET retried = %+v\nwant %+v", got, want)
	}
	if got, want := s.linkRequest(t, "POST", approve, linkKey), (pageAnswer{409, wantLinkPage(approve, "This link can no longer act", retried, "")}); got != want {
		t.Errorf("POST retried = %+v\nwant %+v", got, want)
	}
	// Closed: the history says who acted, and the link is never "already done".
	fake.fakeVisibility = &fakeVisibility{described: map[string]*workflowservice.DescribeWorkflowExecutionResponse{"order-7": describeResponse("order-7", "run-9")}}
	fake.histories = map[string][]*historypb.HistoryEvent{"order-7": completedHistory(t, 1, "Approved <b>", "ada (link) via go-completer serve@"+host)}
	closed := desc + " is not pending any more: it was completed at " + closedAtText + " by ada (link) via go-completer serve@" + host
	if got, want := s.linkRequest(t, "POST", approve, linkKey), (pageAnswer{409, wantLinkPage(approve, "This link can no longer act", closed, "")}); got != want {
		t.Errorf("POST used = %+v\nwant %+v", got, want)
	}
	if len(fake.calls) != 2 {
		t.Errorf("%d calls, want 2", len(fake.calls))
	}

	// Bad, expired, another namespace: nothing is asked of Temporal.
	invalid := pageAnswer{403, string(page.Link(invalidLinkPage()))}
	if got := s.linkRequest(t, "POST", approve, strings.Repeat("x", 32)); got != invalid {
		t.Errorf("another key = %+v", got)
	}
	expired := approve
	expired.Expires = time.Now().Add(-time.Minute).Unix()
	wantExpired := pageAnswer{410, wantLinkPage(expired, "This link has expired", "This link expired at "+expired.ExpiresAt()+".", "")}
	if got := s.linkRequest(t, "GET", expired, linkKey); got != wantExpired {
		t.Errorf("expired = %+v\nwant %+v", got, wantExpired)
	}
	other := approve
	other.Namespace = "ns2"
	wantOther := pageAnswer{409, wantLinkPage(other, "This link can no longer act", `This link is for namespace "ns2"; this server acts in "default".`, "")}
	if got := s.linkRequest(t, "POST", other, linkKey); got != wantOther {
		t.Errorf("other namespace = %+v\nwant %+v", got, wantOther)
	}
	if len(fake.calls) != 2 {
		t.Errorf("%d calls, want 2", len(fake.calls))
	}
	// The request lines name the link by its start.
	if log := s.stderr.String(); !strings.Contains(log, "serve: POST /a/"+lines.Shorten(links.Sign(approve, []byte(linkKey)))+" 200 - ") || strings.Contains(log, links.Sign(approve, []byte(linkKey))) {
		t.Errorf("log:\n%s", log)
	}
}

func credentialsFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "credentials")
	if err := os.WriteFile(path, []byte("ops-team Ops-Secret-0123456789\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestServeLinkPagesWhenTemporalFails(t *testing.T) {
	key := linkKeyFile(t, linkKey, 0o600)
	link := signedLink(1, links.Approve, "")
	for _, tt := range []struct {
		name   string
		err    error
		status int
		title  string
		line   string
	}{
		{"unreachable", serviceerror.NewUnavailable("down"), 503, "Temporal cannot be reached", lines.Unreachable("127.0.0.1:7233", "300ms").Message},
		{"refused", serviceerror.NewPermissionDenied("no", ""), 409, "This link can no longer act", "the server refused the request: no"},
		{"anything else", fmt.Errorf("boom"), 500, "Something went wrong", "boom"},
	} {
		fake := newFakeServeClient(nil)
		fake.fakeVisibility = &fakeVisibility{describeErr: tt.err}
		s := startServe(t, fake, "--link-key-file", key, "--rpc-timeout", "300ms")
		want := pageAnswer{tt.status, wantLinkPage(link, tt.title, tt.line, "")}
		if got := s.linkRequest(t, "POST", link, linkKey); got != want {
			t.Errorf("%s: %+v\nwant %+v", tt.name, got, want)
		}
	}
}

func TestServeReadsTheLinkKeyFileBeforeListening(t *testing.T) {
	cleanEnvironment(t)
	short := linkKeyFile(t, "short", 0o600)
	missing := filepath.Join(t.TempDir(), "missing.key")
	for _, tt := range []struct {
		args []string
		want *lines.Failure
	}{
		{[]string{"--link-key-file", short}, lines.LinkKeyTooShort(1, short)},
		{[]string{"--link-key-file", missing}, lines.CannotReadLinkKey(missing, "no such file or directory")},
		{[]string{"--link-key-file"}, lines.NeedsValue("link-key-file")},
		// After the TLS options.
		{[]string{"--link-key-file", short, "--tls-cert", "c"}, lines.TLSTogether()},
	} {
		err := runServe(t.Context(), append([]string{"--listen", "127.0.0.1:0"}, tt.args...), &strings.Builder{}, &strings.Builder{}, nil)
		if failure := lines.AsFailure(err); failure.Code != tt.want.Code || failure.Message != tt.want.Message {
			t.Errorf("serve %q = %v, want %v", tt.args, err, tt.want)
		}
	}
	// A key file that others can read works, with a warning before listening.
	readable := linkKeyFile(t, linkKey, 0o644)
	s := startServe(t, newFakeServeClient(nil), "--link-key-file", readable)
	if want := `warning: the link key file "` + readable + `" can be read by other users: chmod 600 ` + readable + "\n"; !strings.HasPrefix(s.stderr.String(), want) {
		t.Errorf("stderr %q", s.stderr.String())
	}
	// Without one, /a/ is no route.
	plain := startServe(t, newFakeServeClient(nil))
	if got := plain.get(t, "/a/"+links.Sign(signedLink(1, links.Approve, ""), []byte(linkKey))); got != (httpAnswer{404, "application/json", string(lines.AppendAnswer(nil, lines.OutcomeNotFound, 2, lines.NoSuchRoute, false))}) {
		t.Errorf("without a key file: %+v", got)
	}
}
