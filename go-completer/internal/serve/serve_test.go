package serve

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/async-completion/go-completer/internal/lines"
	"github.com/async-completion/go-completer/internal/model"
	"github.com/async-completion/go-completer/internal/page"
)

// fakeBackend answers every route with what the test says, and records what
// it was asked.
type fakeBackend struct {
	act     func(verb, job string) model.Outcome
	link    func(link string, act bool) LinkAnswer
	pending func(scope Scope) ([]byte, *model.Outcome)
	health  model.Outcome

	mu       sync.Mutex
	jobs     []string
	requests []Request
	scopes   []Scope
	links    []string
}

func (f *fakeBackend) Act(ctx context.Context, req Request) model.Outcome {
	f.mu.Lock()
	f.jobs = append(f.jobs, req.Verb+" "+req.Job)
	f.requests = append(f.requests, req)
	f.mu.Unlock()
	if f.act != nil {
		return f.act(req.Verb, req.Job)
	}
	return model.Outcome{Code: lines.ExitOK, Message: "done " + req.Verb}
}

func (f *fakeBackend) Pending(ctx context.Context, scope Scope) ([]byte, *model.Outcome) {
	f.mu.Lock()
	f.scopes = append(f.scopes, scope)
	f.mu.Unlock()
	if f.pending != nil {
		return f.pending(scope)
	}
	return []byte("{\"workflow_id\":\"wf\"}\n"), nil
}

func (f *fakeBackend) Health(ctx context.Context) model.Outcome {
	if f.health.Message == "" {
		return model.Outcome{Code: lines.ExitOK, Message: "healthy"}
	}
	return f.health
}

func (f *fakeBackend) Identity(credential string, name *string) model.Outcome {
	given := "-"
	if name != nil {
		given = *name
	}
	return model.Outcome{Code: lines.ExitOK, Message: credential + "/" + given}
}

func (f *fakeBackend) Link(ctx context.Context, link string, act bool) LinkAnswer {
	f.mu.Lock()
	f.links = append(f.links, fmt.Sprintf("%s %v", link, act))
	f.mu.Unlock()
	if f.link != nil {
		return f.link(link, act)
	}
	return LinkAnswer{Kind: LinkShown, Page: page.LinkPage{Title: "shown", Message: link}}
}

func (f *fakeBackend) calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.jobs) + len(f.scopes) + len(f.links)
}

const (
	testPort = 8080
	testURL  = "http://127.0.0.1:8080"
	testPage = "<!doctype html><p>the page</p>\n"
	// testSecret is the secret of credential "ops"; testBare of one named api.
	testSecret = "Ops-Secret-0123456789"
	testBare   = "Bare-Secret-abcdefghij"
)

// fixture is a handler on a loopback listener, with or without credentials.
type fixture struct {
	handler http.Handler
	backend *fakeBackend
	log     *bytes.Buffer
}

func newFixture(t *testing.T, withCredentials bool, listen string) *fixture {
	return newLinkFixture(t, withCredentials, listen, false)
}

func newLinkFixture(t *testing.T, withCredentials bool, listen string, withLinks bool) *fixture {
	t.Helper()
	l, err := ParseListen(listen)
	if err != nil {
		t.Fatal(err)
	}
	var creds *Credentials
	if withCredentials {
		creds = testCredentials(t)
	}
	f := &fixture{backend: &fakeBackend{}, log: &bytes.Buffer{}}
	f.handler = New(Config{Listen: l, Port: testPort, URL: l.URL(false, testPort), Credentials: creds, Page: []byte(testPage), Links: withLinks, Log: f.log}, f.backend)
	return f
}

func testCredentials(t *testing.T) *Credentials {
	t.Helper()
	creds, err := ReadCredentials(writeTemp(t, "# callers\n\nops "+testSecret+"\n"+testBare+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	return creds
}

// request is one request to the fixture; headers are "Name: value".
func (f *fixture) do(method, target, body string, headers ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	r.Host = "127.0.0.1:8080"
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ": ")
		if name == "Host" {
			r.Host = value
			continue
		}
		r.Header.Add(name, value)
	}
	w := httptest.NewRecorder()
	f.handler.ServeHTTP(w, r)
	return w
}

func (f *fixture) postJSON(target, body string, headers ...string) *httptest.ResponseRecorder {
	return f.do("POST", target, body, append([]string{"Content-Type: application/json"}, headers...)...)
}

func answerBody(outcome string, code int, message string) string {
	return string(lines.AppendAnswer(nil, outcome, code, message, false))
}

// wantAnswer checks status, the exact Content-Type, the body, and that no
// CORS header was sent.
func wantAnswer(t *testing.T, w *httptest.ResponseRecorder, status int, contentType, body string) {
	t.Helper()
	if w.Code != status || w.Header().Get("Content-Type") != contentType || w.Body.String() != body {
		t.Errorf("answer %d %q %q\nwant   %d %q %q", w.Code, w.Header().Get("Content-Type"), w.Body.String(), status, contentType, body)
	}
	if got := w.Header().Get("Content-Length"); got != strconv.Itoa(len(body)) {
		t.Errorf("Content-Length %q, want %d", got, len(body))
	}
	for name := range w.Header() {
		if strings.HasPrefix(strings.ToLower(name), "access-control-") {
			t.Errorf("CORS header sent: %s", name)
		}
	}
}

func TestEveryStatusClassOfAJob(t *testing.T) {
	tests := []struct {
		outcome model.Outcome
		status  int
		name    string
	}{
		{model.Outcome{Code: 0, Message: `Completed Activity "1" of Workflow "wf"`}, 200, "ok"},
		{model.Outcome{Code: 5, Message: "cancellation was requested for x"}, 200, "cancel_requested"},
		{model.Outcome{Code: 2, Message: "fail needs --reason TEXT: say why the Activity failed"}, 400, "malformed"},
		{model.Outcome{Code: 2, Message: "the result is 3000000 bytes once encoded", TooLarge: true}, 413, "malformed"},
		{model.Outcome{Code: 3, Message: "not pending any more"}, 409, "refused"},
		{model.Outcome{Code: 4, Message: "could not reach"}, 503, "unreachable"},
		{model.Outcome{Code: 1, Message: "internal error: x"}, 500, "error"},
	}
	for _, tt := range tests {
		t.Run(tt.name+strconv.Itoa(tt.status), func(t *testing.T) {
			f := newFixture(t, false, "127.0.0.1:0")
			f.backend.act = func(verb, job string) model.Outcome { return tt.outcome }
			for _, verb := range Verbs {
				w := f.postJSON("/v1/"+verb, `{"workflow_id":"wf","activity_id":"1"}`)
				wantAnswer(t, w, tt.status, "application/json", answerBody(tt.name, tt.outcome.Code, tt.outcome.Message))
			}
		})
	}
}

// TestAJobIsHandedToTheBackendAsItsBody: the body without the white space
// around it, so that the job parser sees the object (a batch line is trimmed
// too), and nothing else of the request but the credential's name and the
// Idempotency-Key header.
func TestAJobIsHandedToTheBackendAsItsBody(t *testing.T) {
	f := newFixture(t, false, "127.0.0.1:0")
	job := "{\"workflow_id\":\"wf\",\"activity_id\":\"1\",\"result\":\"Grüße \\u2028 <b>\"}"
	wantAnswer(t, f.postJSON("/v1/complete", "\n \t"+job+"\r\n "), 200, "application/json", answerBody("ok", 0, "done complete"))
	wantAnswer(t, f.postJSON("/v1/heartbeat", "{}", "Content-Type: application/json; charset=utf-8", "Idempotency-Key: evt 1"), 200,
		"application/json", answerBody("ok", 0, "done heartbeat"))
	want := []string{"complete " + job, "heartbeat {}"}
	if strings.Join(f.backend.jobs, "|") != strings.Join(want, "|") {
		t.Errorf("jobs = %q, want %q", f.backend.jobs, want)
	}
	if first, second := f.backend.requests[0], f.backend.requests[1]; first.IdempotencyKey != nil || first.Credential != "" ||
		second.IdempotencyKey == nil || *second.IdempotencyKey != "evt 1" {
		t.Errorf("requests = %+v", f.backend.requests)
	}
}

func TestTheCredentialsNameIsHandedToTheBackend(t *testing.T) {
	f := newFixture(t, true, "127.0.0.1:0")
	for _, secret := range []string{testSecret, testBare} {
		w := f.postJSON("/v1/complete", `{"workflow_id":"wf","activity_id":"1"}`, "Authorization: Bearer "+secret, "Idempotency-Key: ")
		wantAnswer(t, w, 200, "application/json", answerBody("ok", 0, "done complete"))
	}
	if len(f.backend.requests) != 2 || f.backend.requests[0].Credential != "ops" || f.backend.requests[1].Credential != "api" ||
		f.backend.requests[0].IdempotencyKey == nil || *f.backend.requests[0].IdempotencyKey != "" {
		t.Errorf("requests = %+v", f.backend.requests)
	}
}

func TestAnAnswerAlreadyDoneSaysSo(t *testing.T) {
	f := newFixture(t, false, "127.0.0.1:0")
	f.backend.act = func(verb, job string) model.Outcome {
		return model.Outcome{Code: lines.ExitOK, Message: "Already done: x", Already: true}
	}
	w := f.postJSON("/v1/complete", `{"workflow_id":"wf","activity_id":"1"}`)
	wantAnswer(t, w, 200, "application/json", `{"outcome":"ok","code":0,"message":"Already done: x","already":true}`+"\n")
}

func TestTheJSONBodiesArePythonsBytes(t *testing.T) {
	// json.dumps({"outcome": ..., "code": ..., "message": m}, ensure_ascii=False,
	// separators=(",", ":")) + "\n"
	got := answerBody("ok", 0, "Completed \"é\" <&> \u2028\t\x01")
	want := `{"outcome":"ok","code":0,"message":"Completed \"é\" <&>` + " \u2028" + `\t\u0001"}` + "\n"
	if got != want {
		t.Errorf("body %q, want %q", got, want)
	}
}

func TestABodyThatIsNotOneJSONObjectAnswers400AndReachesNothing(t *testing.T) {
	bodies := []string{"", "  ", "[]", `[{"workflow_id":"wf"}]`, `"0a0b"`, "42", "null", "true", "0a0b0c0d",
		"not json", `{"workflow_id": "wf", "activity_id": `, `{"a":1} {}`, `{"a":1}x`, "\xef\xbb\xbf{}",
		"{\"result\":\"\xff\"}", `{"result":NaN}`}
	f := newFixture(t, false, "127.0.0.1:0")
	for _, body := range bodies {
		w := f.postJSON("/v1/complete", body)
		wantAnswer(t, w, 400, "application/json", answerBody("malformed", 2, lines.BodyNotAnObject))
	}
	if n := f.backend.calls(); n != 0 {
		t.Errorf("the backend was asked %d times", n)
	}
}

func TestOnlyJSONBodiesAreAccepted(t *testing.T) {
	f := newFixture(t, false, "127.0.0.1:0")
	types := []string{"", "text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
		"multipart/form-data; boundary=----x", "application/jsonp", "application/x-ndjson", "text/json", "application/json+x", "json"}
	for _, verb := range Verbs {
		for _, contentType := range types {
			headers := []string{}
			if contentType != "" {
				headers = append(headers, "Content-Type: "+contentType)
			}
			w := f.do("POST", "/v1/"+verb, `{"workflow_id":"wf","activity_id":"1"}`, headers...)
			wantAnswer(t, w, 415, "application/json", answerBody("malformed", 2, lines.BodyNotJSON))
		}
	}
	for _, contentType := range []string{"application/json", "Application/JSON", "application/json; charset=utf-8", "application/json;charset=UTF-8", "application/json; charset"} {
		if w := f.do("POST", "/v1/complete", "{}", "Content-Type: "+contentType); w.Code != 200 {
			t.Errorf("Content-Type %q: %d %s", contentType, w.Code, w.Body)
		}
	}
	if n := f.backend.calls(); n != 5 {
		t.Errorf("the backend was asked %d times, want 5", n)
	}
}

func TestABodyLargerThan8MiBAnswers413(t *testing.T) {
	tooLarge := answerBody("malformed", 2, "the body is larger than 8388608 bytes: send a smaller result, or a reference to where the data is")
	f := newFixture(t, false, "127.0.0.1:0")
	job := func(size int) string {
		head := `{"workflow_id":"wf","activity_id":"1","result":"`
		return head + strings.Repeat("a", size-len(head)-2) + `"}`
	}
	// With a Content-Length.
	wantAnswer(t, f.postJSON("/v1/complete", job(MaxBodyBytes+1)), 413, "application/json", tooLarge)
	// Without one (chunked): MaxBytesReader stops reading at the bound.
	r := httptest.NewRequest("POST", "/v1/complete", io.MultiReader(strings.NewReader(job(MaxBodyBytes+1))))
	r.ContentLength = -1
	r.Host = "127.0.0.1:8080"
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	f.handler.ServeHTTP(w, r)
	wantAnswer(t, w, 413, "application/json", tooLarge)
	if n := f.backend.calls(); n != 0 {
		t.Errorf("the backend was asked %d times", n)
	}
	// Exactly the bound is read, and handed on.
	if w := f.postJSON("/v1/complete", job(MaxBodyBytes)); w.Code != 200 || f.backend.calls() != 1 || len(f.backend.jobs[0]) != len("complete ")+MaxBodyBytes {
		t.Errorf("a body of exactly %d bytes: %d, %d calls", MaxBodyBytes, w.Code, f.backend.calls())
	}
	// The content type is checked first.
	w = f.do("POST", "/v1/complete", job(MaxBodyBytes+1), "Content-Type: text/plain")
	wantAnswer(t, w, 415, "application/json", answerBody("malformed", 2, lines.BodyNotJSON))
}

func TestUnknownRoutesAnswer404(t *testing.T) {
	f := newFixture(t, true, "127.0.0.1:0")
	routes := [][2]string{{"GET", "/nope"}, {"POST", "/nope"}, {"GET", "/v1"}, {"GET", "/v1/"}, {"POST", "/v1/complete/extra"},
		{"POST", "/v1/approve"}, {"GET", "/index.html"}, {"GET", "/healthz/extra"}, {"GET", "/nope?workflow_id=x"},
		{"GET", "//healthz"}, {"POST", "/v1/../v1/complete"}, {"GET", "/healthz/"}, {"POST", "/v1//complete"}, {"DELETE", "/x"}}
	for _, route := range routes {
		// No credential: the route is checked first.
		w := f.do(route[0], route[1], "{}", "Content-Type: application/json")
		wantAnswer(t, w, 404, "application/json", answerBody("not_found", 2, lines.NoSuchRoute))
	}
	if n := f.backend.calls(); n != 0 {
		t.Errorf("the backend was asked %d times", n)
	}
}

func TestOtherMethodsAnswer405WithAnAllowHeader(t *testing.T) {
	f := newFixture(t, true, "127.0.0.1:0")
	for _, verb := range Verbs {
		for _, method := range []string{"GET", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS"} {
			w := f.do(method, "/v1/"+verb, "", "Origin: https://evil.example", "Access-Control-Request-Method: POST")
			wantAnswer(t, w, 405, "application/json", answerBody("method_not_allowed", 2, method+" is not allowed here: use POST"))
			if got := w.Header().Get("Allow"); got != "POST" {
				t.Errorf("%s /v1/%s: Allow %q", method, verb, got)
			}
		}
	}
	for _, route := range []string{"/healthz", "/v1/pending", "/"} {
		for _, method := range []string{"POST", "PUT", "DELETE", "OPTIONS"} {
			w := f.do(method, route, "{}", "Content-Type: application/json")
			wantAnswer(t, w, 405, "application/json", answerBody("method_not_allowed", 2, method+" is not allowed here: use GET, HEAD"))
			if got := w.Header().Get("Allow"); got != "GET, HEAD" {
				t.Errorf("%s %s: Allow %q", method, route, got)
			}
		}
	}
	if n := f.backend.calls(); n != 0 {
		t.Errorf("the backend was asked %d times", n)
	}
}

func TestACredentialIsNeededOnEveryRouteButHealthzAndThePage(t *testing.T) {
	f := newFixture(t, true, "127.0.0.1:0")
	unauthorized := answerBody("unauthorized", 2, lines.NeedsCredential)
	wrong := []string{
		"",
		"Authorization: Bearer Wrong-Secret-0123456789",
		"Authorization: Bearer " + testSecret[:len(testSecret)-1],
		"Authorization: Bearer " + testSecret + "x",
		"Authorization: Bearer ",
		"Authorization: Bearer",
		"Authorization: " + testSecret,
		"Authorization: Bearer ops " + testSecret,
		"Authorization: Bearer  " + testSecret,
		"Authorization: Basic b3BzOk9wcy1TZWNyZXQtMDEyMzQ1Njc4OQ==",
		"X-Api-Key: " + testSecret,
	}
	targets := []string{"/v1/complete", "/v1/fail", "/v1/heartbeat", "/v1/cancel"}
	for _, target := range targets {
		for _, header := range wrong {
			headers := []string{}
			if header != "" {
				headers = append(headers, header)
			}
			w := f.postJSON(target, `{"workflow_id":"wf","activity_id":"1","reason":"r"}`, headers...)
			wantAnswer(t, w, 401, "application/json", unauthorized)
			if got := w.Header().Get("WWW-Authenticate"); got != "Bearer" {
				t.Errorf("WWW-Authenticate %q", got)
			}
		}
		// Never from the query string.
		for _, query := range []string{"access_token", "token", "secret", "auth", "authorization", "api_key", "key"} {
			w := f.postJSON(target+"?"+query+"="+testSecret, `{}`)
			wantAnswer(t, w, 401, "application/json", unauthorized)
			w = f.postJSON(target+"?"+query+"=Bearer%20"+testSecret, `{}`)
			wantAnswer(t, w, 401, "application/json", unauthorized)
		}
	}
	for _, header := range wrong {
		w := f.do("GET", "/v1/pending?workflow_id=wf&access_token="+testSecret, "", header)
		wantAnswer(t, w, 401, "application/json", unauthorized)
	}
	if n := f.backend.calls(); n != 0 {
		t.Fatalf("the backend was asked %d times without the credential", n)
	}
	// Either secret, the scheme in any case.
	for _, header := range []string{"Authorization: Bearer " + testSecret, "Authorization: Bearer " + testBare, "Authorization: bearer " + testSecret} {
		wantAnswer(t, f.postJSON("/v1/complete", `{}`, header), 200, "application/json", answerBody("ok", 0, "done complete"))
		if w := f.do("GET", "/v1/pending", "", header); w.Code != 200 {
			t.Errorf("GET /v1/pending with %q: %d", header, w.Code)
		}
	}
	// No credential for the page and the health check.
	wantAnswer(t, f.do("GET", "/healthz", ""), 200, "application/json", answerBody("ok", 0, "healthy"))
	wantAnswer(t, f.do("GET", "/", ""), 200, "text/html; charset=utf-8", testPage)
}

func TestTheHostHeaderMustNameALoopbackListener(t *testing.T) {
	f := newFixture(t, false, "127.0.0.1:0")
	forbidden := answerBody("forbidden", 2, "the Host header does not name this server (DNS rebinding protection): use "+testURL)
	hosts := []string{"evil.example:8080", "evil.example", "127.0.0.1:8081", "127.0.0.1", "localhost", "127.0.0.2:8080",
		"127.0.0.1.evil.example:8080", "", "[::1]", "LOCALHOST:8080x", "0.0.0.0:8080"}
	for _, host := range hosts {
		for _, verb := range Verbs {
			wantAnswer(t, f.postJSON("/v1/"+verb, `{}`, "Host: "+host), 403, "application/json", forbidden)
		}
		for _, target := range []string{"/v1/pending", "/healthz", "/"} {
			wantAnswer(t, f.do("GET", target, "", "Host: "+host), 403, "application/json", forbidden)
		}
	}
	if n := f.backend.calls(); n != 0 {
		t.Fatalf("the backend was asked %d times", n)
	}
	for _, host := range []string{"127.0.0.1:8080", "localhost:8080", "[::1]:8080"} {
		if w := f.postJSON("/v1/complete", `{}`, "Host: "+host); w.Code != 200 {
			t.Errorf("Host %q: %d %s", host, w.Code, w.Body)
		}
	}
	// The listener's own address, as given, names it too.
	other := newFixture(t, false, "127.0.0.5:0")
	if w := other.do("GET", "/healthz", "", "Host: 127.0.0.5:8080"); w.Code != 200 {
		t.Errorf("Host of the listener itself: %d", w.Code)
	}
	if w := other.do("GET", "/healthz", "", "Host: 127.0.0.1:8080"); w.Code != 200 {
		t.Errorf("Host 127.0.0.1 on 127.0.0.5: %d", w.Code)
	}
}

func TestTheCredentialIsCheckedBeforeTheHost(t *testing.T) {
	f := newFixture(t, true, "127.0.0.1:0")
	evil := "Host: evil.example:8080"
	wantAnswer(t, f.postJSON("/v1/complete", `{}`, evil), 401, "application/json", answerBody("unauthorized", 2, lines.NeedsCredential))
	wantAnswer(t, f.postJSON("/v1/complete", `{}`, evil, "Authorization: Bearer "+testSecret), 403, "application/json",
		answerBody("forbidden", 2, lines.HostNotListener(testURL)))
}

func TestANonLoopbackListenerTakesAnyHost(t *testing.T) {
	f := newFixture(t, true, "0.0.0.0:0")
	w := f.postJSON("/v1/complete", `{}`, "Host: completer.example.com", "Authorization: Bearer "+testSecret)
	wantAnswer(t, w, 200, "application/json", answerBody("ok", 0, "done complete"))
}

func TestPendingIsNDJSONOfTheScopeAsked(t *testing.T) {
	f := newFixture(t, false, "127.0.0.1:0")
	listed := "{\"workflow_id\":\"a\"}\n{\"workflow_id\":\"b\"}\n"
	f.backend.pending = func(scope Scope) ([]byte, *model.Outcome) {
		switch scope.WorkflowID {
		case "none":
			return nil, nil
		case "fails":
			return nil, &model.Outcome{Code: 3, Message: "the server refused the query: x"}
		case "down":
			return nil, &model.Outcome{Code: 4, Message: "could not reach"}
		}
		return []byte(listed), nil
	}
	wantAnswer(t, f.do("GET", "/v1/pending", ""), 200, "application/x-ndjson", listed)
	wantAnswer(t, f.do("GET", "/v1/pending?workflow_id=none", ""), 200, "application/x-ndjson", "")
	wantAnswer(t, f.do("GET", "/v1/pending?workflow_id=fails", ""), 409, "application/json", answerBody("refused", 3, "the server refused the query: x"))
	wantAnswer(t, f.do("GET", "/v1/pending?workflow_id=down", ""), 503, "application/json", answerBody("unreachable", 4, "could not reach"))
	f.do("GET", "/v1/pending?query=WorkflowId%20%3D%20%22x%22&access_token=s", "")
	f.do("GET", "/v1/pending?query=", "")
	f.do("GET", "/v1/pending?workflow_id=wf&query=q", "")
	want := []Scope{{}, {WorkflowID: "none"}, {WorkflowID: "fails"}, {WorkflowID: "down"}, {Query: `WorkflowId = "x"`, HasQuery: true},
		{HasQuery: true}, {WorkflowID: "wf", Query: "q", HasQuery: true}}
	if fmt.Sprint(f.backend.scopes) != fmt.Sprint(want) {
		t.Errorf("scopes = %+v\nwant %+v", f.backend.scopes, want)
	}
}

// TestActivityIsOneLineOfThePendingListing: GET /v1/activity lists the
// Workflow (its latest run) and answers the Activity's line, or 409.
func TestActivityIsOneLineOfThePendingListing(t *testing.T) {
	f := newFixture(t, false, "127.0.0.1:0")
	one := `{"workflow_id":"w","run_id":"r1","activity_id":"1","input":["` + strings.Repeat("x", 1000) + `"]}` + "\n"
	two := `{"workflow_id":"w","run_id":"r1","activity_id":"2","input":[]}` + "\n"
	f.backend.pending = func(scope Scope) ([]byte, *model.Outcome) {
		if scope.WorkflowID == "down" {
			return nil, &model.Outcome{Code: 4, Message: "could not reach"}
		}
		return []byte(one + two), nil
	}
	wantAnswer(t, f.do("GET", "/v1/activity?workflow_id=w&activity_id=2", ""), 200, "application/json", two)
	wantAnswer(t, f.do("GET", "/v1/activity?workflow_id=w&activity_id=1&run_id=r1", ""), 200, "application/json", one)
	wantAnswer(t, f.do("GET", "/v1/activity?workflow_id=w&activity_id=1&run_id=r0", ""), 409, "application/json",
		answerBody("refused", 3, `Activity "1" of Workflow "w" is not pending`))
	wantAnswer(t, f.do("GET", "/v1/activity?workflow_id=w&activity_id=3", ""), 409, "application/json",
		answerBody("refused", 3, `Activity "3" of Workflow "w" is not pending`))
	wantAnswer(t, f.do("GET", "/v1/activity?workflow_id=down&activity_id=1", ""), 503, "application/json", answerBody("unreachable", 4, "could not reach"))
	wantAnswer(t, f.do("GET", "/v1/activity?workflow_id=w", ""), 400, "application/json", answerBody("malformed", 2, lines.ActivityNeedsIDs))
	want := []Scope{{WorkflowID: "w"}, {WorkflowID: "w"}, {WorkflowID: "w"}, {WorkflowID: "w"}, {WorkflowID: "down"}}
	if fmt.Sprint(f.backend.scopes) != fmt.Sprint(want) {
		t.Errorf("scopes = %+v\nwant %+v", f.backend.scopes, want)
	}
}

func TestHealthz(t *testing.T) {
	f := newFixture(t, false, "127.0.0.1:0")
	wantAnswer(t, f.do("GET", "/healthz", ""), 200, "application/json", answerBody("ok", 0, "healthy"))
	f.backend.health = model.Outcome{Code: 4, Message: "could not reach the Temporal server"}
	wantAnswer(t, f.do("GET", "/healthz", ""), 503, "application/json", answerBody("unreachable", 4, "could not reach the Temporal server"))
}

func TestThePageIsServedAsItIsAndCannotBeFramed(t *testing.T) {
	f := newFixture(t, false, "127.0.0.1:0")
	for _, target := range []string{"/", "/?x=1"} {
		w := f.do("GET", target, "")
		wantAnswer(t, w, 200, "text/html; charset=utf-8", testPage)
		if w.Header().Get("X-Frame-Options") != "DENY" || w.Header().Get("Content-Security-Policy") != "frame-ancestors 'none'" {
			t.Errorf("GET %s headers %v", target, w.Header())
		}
	}
	if w := f.do("GET", "/healthz", ""); w.Header().Get("X-Frame-Options") != "" || w.Header().Get("Server") != "" {
		t.Errorf("GET /healthz headers %v", w.Header())
	}
}

func TestAPanicIsAnsweredAs500WithItsLine(t *testing.T) {
	f := newFixture(t, false, "127.0.0.1:0")
	f.backend.act = func(verb, job string) model.Outcome { panic("boom") }
	wantAnswer(t, f.postJSON("/v1/complete", `{}`), 500, "application/json", answerBody("error", 1, "internal error: boom"))
	if !strings.HasPrefix(f.log.String(), "serve: POST /v1/complete 500 error ") {
		t.Errorf("log %q", f.log.String())
	}
}

var logLine = regexp.MustCompile(`^serve: ([A-Z]+) (/\S*) (\d{3}) ([a-z_]+|-) (\d+)$`)

func TestOneLogLinePerRequestWithoutQueryHeaderOrBody(t *testing.T) {
	f := newFixture(t, true, "127.0.0.1:0")
	token := strings.Repeat("0a1b2c3d", 8)
	auth := "Authorization: Bearer " + testSecret
	f.postJSON("/v1/complete?access_token="+testSecret, `{"tasktoken":"`+token+`"}`)
	f.postJSON("/v1/heartbeat", `{"tasktoken":"`+token+`","details":"marker-details"}`, auth)
	f.do("GET", "/healthz", "")
	f.do("GET", "/", "")
	f.do("GET", "/v1/pending?workflow_id=wf&query="+token, "", auth)
	f.do("GET", "/v1/"+token, "")
	f.do("PUT", "/v1/fail", "")
	f.backend.act = func(verb, job string) model.Outcome { return model.Outcome{Code: 5, Message: "cancel"} }
	f.postJSON("/v1/heartbeat", `{}`, auth)

	log := f.log.String()
	got := strings.Split(strings.TrimSuffix(log, "\n"), "\n")
	want := [][4]string{
		{"POST", "/v1/complete", "401", "unauthorized"},
		{"POST", "/v1/heartbeat", "200", "ok"},
		{"GET", "/healthz", "200", "ok"},
		{"GET", "/", "200", "-"},
		{"GET", "/v1/pending", "200", "ok"},
		{"GET", "/v1/0a1b…", "404", "not_found"},
		{"PUT", "/v1/fail", "405", "method_not_allowed"},
		{"POST", "/v1/heartbeat", "200", "cancel_requested"},
	}
	if len(got) != len(want) {
		t.Fatalf("log has %d lines, want %d:\n%s", len(got), len(want), log)
	}
	for i, line := range got {
		m := logLine.FindStringSubmatch(line)
		if m == nil || [4]string{m[1], m[2], m[3], m[4]} != want[i] {
			t.Errorf("line %d = %q, want %v", i+1, line, want[i])
		}
	}
	for _, secret := range []string{testSecret, "Bearer", token[:16], "marker-details", "workflow_id", "access_token"} {
		if strings.Contains(log, secret) {
			t.Errorf("the log holds %q:\n%s", secret, log)
		}
	}
}

func TestReadCredentials(t *testing.T) {
	creds, err := ReadCredentials(writeTemp(t, "\ufeff# who\r\n\r\n  ops-team.1@x  "+testSecret+"  \r\n"+testBare+"\n#\tcomment\n"))
	if err != nil {
		t.Fatal(err)
	}
	for secret, want := range map[string]string{testSecret: "ops-team.1@x", testBare: "api"} {
		if name, ok := creds.Match(secret); !ok || name != want {
			t.Errorf("Match(%q) = %q, %v; want %q", secret, name, ok, want)
		}
	}
	for _, secret := range []string{"", testSecret + " ", "ops-team.1@x", strings.ToLower(testSecret)} {
		if _, ok := creds.Match(secret); ok {
			t.Errorf("Match(%q) matched", secret)
		}
	}

	refusals := []struct {
		content string
		line    int
	}{
		{"", 1},
		{"# nobody yet\n\n", 2},
		{"# a comment\n\nops short-secret\n", 3},
		{"bad/name Secret-0123456789abcdef\n", 1},
		{"ops team Secret-0123456789abcdef\n", 1},
		{"ok " + testSecret + "\n" + strings.Repeat("n", 65) + " " + testSecret + "\n", 2},
		{"fifteen-chars-x\n", 1},
		{"name-only-but-long-enough-to-be-a-secret x\n", 1},
		{"\xff\xfe-invalid-utf8-secret\n", 1},
	}
	for _, tt := range refusals {
		path := writeTemp(t, tt.content)
		_, err := ReadCredentials(path)
		want := lines.NoCredentialOnLine(path, tt.line)
		if f, ok := err.(*lines.Failure); !ok || *f != *want {
			t.Errorf("ReadCredentials(%q) = %v\nwant %v", tt.content, err, want)
		}
	}
	if _, err := ReadCredentials(writeTemp(t, strings.Repeat("n", 64)+" sixteen-chars-xx\n")); err != nil {
		t.Errorf("a 64-character name and a 16-character secret: %v", err)
	}
	missing := t.TempDir() + "/missing"
	_, err = ReadCredentials(missing)
	if f, ok := err.(*lines.Failure); !ok || f.Code != 2 || f.Message != `cannot read the credentials file "`+missing+`": no such file or directory` {
		t.Errorf("ReadCredentials(missing) = %v", err)
	}
}

func TestParseListen(t *testing.T) {
	good := map[string]Listen{
		"127.0.0.1:8080":       {"127.0.0.1", 8080, true},
		"127.9.9.9:0":          {"127.9.9.9", 0, true},
		"localhost:1":          {"localhost", 1, true},
		"[::1]:65535":          {"::1", 65535, true},
		"0.0.0.0:0":            {"0.0.0.0", 0, false},
		"192.0.2.1:80":         {"192.0.2.1", 80, false},
		"[::]:0":               {"::", 0, false},
		"[::ffff:127.0.0.1]:0": {"::ffff:127.0.0.1", 0, false},
	}
	for value, want := range good {
		if got, err := ParseListen(value); err != nil || got != want {
			t.Errorf("ParseListen(%q) = %+v, %v; want %+v", value, got, err, want)
		}
	}
	for _, value := range []string{"nonsense", "127.0.0.1", "127.0.0.1:", ":8080", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:+1",
		"127.0.0.1:http", "example.com:80", "::1:80", "[fe80::1%eth0]:80", "127.000.0.1:80", "http://127.0.0.1:80", "127.0.0.1:80:80", ""} {
		_, err := ParseListen(value)
		if f, ok := err.(*lines.Failure); !ok || *f != *lines.ListenNotHostPort(value) {
			t.Errorf("ParseListen(%q) = %v, want the not-HOST:PORT line", value, err)
		}
	}
	l, _ := ParseListen("[::1]:0")
	if got := l.URL(true, 4443); got != "https://[::1]:4443" || l.Address() != "[::1]:0" {
		t.Errorf("URL = %q, Address = %q", got, l.Address())
	}
	l, _ = ParseListen("localhost:0")
	if got := l.URL(false, 80); got != "http://localhost:80" || l.Address() != "127.0.0.1:0" {
		t.Errorf("URL = %q, Address = %q", got, l.Address())
	}
}

func writeTemp(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "credentials")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// The server's limits, on a real connection.

func TestNewServerHasTheContractsLimits(t *testing.T) {
	s := NewServer(http.NotFoundHandler(), nil)
	if s.ReadHeaderTimeout != 10*time.Second || s.ReadTimeout != 30*time.Second || s.IdleTimeout != 60*time.Second {
		t.Errorf("limits %v %v %v", s.ReadHeaderTimeout, s.ReadTimeout, s.IdleTimeout)
	}
	if s.ErrorLog == nil || s.Protocols == nil || s.Protocols.HTTP2() || !s.Protocols.HTTP1() {
		t.Errorf("error log %v, protocols %v", s.ErrorLog, s.Protocols)
	}
}

func TestASlowLorisIsCutByTheHeaderTimeoutWhileOthersAreServed(t *testing.T) {
	const bound = 300 * time.Millisecond
	address, port := startShortServer(t, &fakeBackend{}, func(s *http.Server) { s.ReadHeaderTimeout = bound })

	conn, err := net.Dial("tcp", address)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	fmt.Fprintf(conn, "POST /v1/complete HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nX-Slow: ", port)
	closed := make(chan time.Duration, 1)
	go func() {
		// One more byte of the header every 50 ms, until the server hangs up.
		buf := make([]byte, 1)
		for {
			if _, err := conn.Write([]byte("a")); err != nil {
				break
			}
			conn.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
			if _, err := conn.Read(buf); err != nil && !isTimeout(err) {
				break
			}
		}
		closed <- time.Since(start)
	}()
	// Meanwhile others are served.
	for range 5 {
		resp, err := http.Get("http://" + address + "/healthz")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET /healthz during the slow client: %v %v", resp, err)
		}
		resp.Body.Close()
	}
	select {
	case after := <-closed:
		// The server's clock starts at its accept, which may come before our
		// Dial returns on a busy machine.
		if after < bound/2 || after > bound+2*time.Second {
			t.Errorf("the slow client was cut after %v, want about %v", after, bound)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the slow client was never cut")
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// startShortServer is NewServer's server on a free loopback port, with its
// bounds made short by shorten, so that a test of a limit is quick.
func startShortServer(t *testing.T, backend Backend, shorten func(*http.Server)) (address string, port int) {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port = listener.Addr().(*net.TCPAddr).Port
	l, _ := ParseListen("127.0.0.1:0")
	server := NewServer(New(Config{Listen: l, Port: port, URL: l.URL(false, port), Page: []byte(testPage), Log: io.Discard}, backend), nil)
	shorten(server)
	go server.Serve(listener)
	t.Cleanup(func() { server.Close() })
	return listener.Addr().String(), port
}

// readUntilClosed reads what the server sends until it closes the
// connection, and says when that was.
func readUntilClosed(t *testing.T, conn net.Conn, start time.Time, within time.Duration) ([]byte, time.Duration) {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(within))
	received, err := io.ReadAll(conn)
	if err != nil {
		t.Fatalf("the server did not close the connection within %v: %v (received %q)", within, err, received)
	}
	return received, time.Since(start)
}

func TestABodyTooSlowIsCutByTheRequestTimeoutAndNothingIsDone(t *testing.T) {
	backend := &fakeBackend{}
	const bound = 400 * time.Millisecond
	address, port := startShortServer(t, backend, func(s *http.Server) { s.ReadTimeout = bound })
	conn, err := net.Dial("tcp", address)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	fmt.Fprintf(conn, "POST /v1/complete HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"workflow_id\":", port)
	received, after := readUntilClosed(t, conn, start, 5*time.Second)
	if after < bound/2 || after > bound+2*time.Second {
		t.Errorf("the connection was closed after %v, want about %v", after, bound)
	}
	if bytes.HasPrefix(received, []byte("HTTP/1.1 2")) || backend.calls() != 0 {
		t.Errorf("a body cut short was acted on: %q, %d calls", received, backend.calls())
	}
}

func TestAnIdleConnectionIsClosedAfterTheIdleTimeout(t *testing.T) {
	const bound = 300 * time.Millisecond
	address, port := startShortServer(t, &fakeBackend{}, func(s *http.Server) { s.IdleTimeout = bound })
	conn, err := net.Dial("tcp", address)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n", port)
	reader := bufio.NewReader(conn)
	resp, err := http.ReadResponse(reader, nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /healthz: %v %v", resp, err)
	}
	io.Copy(io.Discard, resp.Body)
	start := time.Now()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := reader.ReadByte(); err != io.EOF {
		t.Fatalf("the idle connection got %v, want it closed", err)
	}
	if after := time.Since(start); after < bound/2 || after > bound+2*time.Second {
		t.Errorf("the idle connection was closed after %v, want about %v", after, bound)
	}
}

func TestOptionsStarIsNoRoute(t *testing.T) {
	if s := NewServer(http.NotFoundHandler(), nil); !s.DisableGeneralOptionsHandler {
		t.Error("net/http answers OPTIONS * itself")
	}
	backend := &fakeBackend{}
	address, port := startShortServer(t, backend, func(*http.Server) {})
	conn, err := net.Dial("tcp", address)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n", port)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	want := answerBody(lines.OutcomeNotFound, lines.ExitUsage, lines.NoSuchRoute)
	if resp.StatusCode != 404 || resp.Header.Get("Content-Type") != "application/json" || string(body) != want || resp.Header.Get("Allow") != "" {
		t.Errorf("OPTIONS * = %d %v %q, want 404 %q", resp.StatusCode, resp.Header, body, want)
	}
	if backend.calls() != 0 {
		t.Errorf("%d calls", backend.calls())
	}
}

func TestIdentityIsAGetRouteThatNeedsTheCredential(t *testing.T) {
	f := newFixture(t, true, "127.0.0.1:0")
	wantAnswer(t, f.do("GET", "/v1/identity", ""), 401, "application/json", answerBody(lines.OutcomeUnauthorized, 2, lines.NeedsCredential))
	wantAnswer(t, f.do("GET", "/v1/identity?name=Ada", "", "Authorization: Bearer "+testSecret), 200, "application/json", answerBody("ok", 0, "ops/Ada"))
	wantAnswer(t, f.do("GET", "/v1/identity", "", "Authorization: Bearer "+testBare), 200, "application/json", answerBody("ok", 0, "api/-"))
	w := f.do("POST", "/v1/identity", "{}", "Authorization: Bearer "+testSecret)
	wantAnswer(t, w, 405, "application/json", answerBody(lines.OutcomeMethodNotAllowed, 2, "POST is not allowed here: use GET, HEAD"))
	if w.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("Allow %q", w.Header().Get("Allow"))
	}
	open := newFixture(t, false, "127.0.0.1:0")
	wantAnswer(t, open.do("GET", "/v1/identity?name=Ada%20Lovelace&name=x", ""), 200, "application/json", answerBody("ok", 0, "/Ada Lovelace"))
	wantAnswer(t, open.do("GET", "/v1/identity?name=", ""), 200, "application/json", answerBody("ok", 0, "/"))
	if open.backend.calls() != 0 {
		t.Errorf("%d calls", open.backend.calls())
	}
}

func TestLinkRoutesAnswerPagesWithTheirStatus(t *testing.T) {
	const link = "WzEsIm5zIl0.c2ln"
	for kind, status := range map[LinkKind]int{LinkShown: 200, LinkInvalid: 403, LinkExpired: 410, LinkRefused: 409, LinkUnreachable: 503, LinkFailed: 500} {
		// A credentialed listener: the link is the credential.
		f := newLinkFixture(t, true, "127.0.0.1:0", true)
		f.backend.link = func(got string, act bool) LinkAnswer {
			return LinkAnswer{Kind: kind, Page: page.LinkPage{Title: "T <&>", Message: got + fmt.Sprint(act), Form: "<form>"}}
		}
		for _, tt := range []struct {
			method string
			act    bool
		}{{"GET", false}, {"HEAD", false}, {"POST", true}} {
			w := f.do(tt.method, "/a/"+link, "reason=ignored", "Content-Type: application/x-www-form-urlencoded")
			want := string(page.Link(page.LinkPage{Title: "T <&>", Message: link + fmt.Sprint(tt.act), Form: "<form>"}))
			if tt.method == "HEAD" {
				// The recorder keeps what net/http's server drops for HEAD.
				want = w.Body.String()
			}
			if w.Code != status || w.Header().Get("Content-Type") != "text/html; charset=utf-8" || w.Body.String() != want ||
				w.Header().Get("X-Frame-Options") != "DENY" || w.Header().Get("Content-Security-Policy") != "frame-ancestors 'none'" {
				t.Errorf("%v %s = %d %v\n%s", kind, tt.method, w.Code, w.Header(), w.Body.String())
			}
		}
		if strings.Join(f.backend.links, ",") != link+" false,"+link+" false,"+link+" true" {
			t.Errorf("links %q", f.backend.links)
		}
	}
}

func TestLinkRoutesOnlyWithALinkKeyFile(t *testing.T) {
	f := newLinkFixture(t, false, "127.0.0.1:0", false)
	wantAnswer(t, f.do("GET", "/a/WzEs.c2ln", ""), 404, "application/json", answerBody(lines.OutcomeNotFound, 2, lines.NoSuchRoute))
	f = newLinkFixture(t, false, "127.0.0.1:0", true)
	for _, target := range []string{"/a/", "/a/x/y", "/a"} {
		wantAnswer(t, f.do("GET", target, ""), 404, "application/json", answerBody(lines.OutcomeNotFound, 2, lines.NoSuchRoute))
	}
	w := f.do("PUT", "/a/WzEs.c2ln", "")
	wantAnswer(t, w, 405, "application/json", answerBody(lines.OutcomeMethodNotAllowed, 2, "PUT is not allowed here: use GET, HEAD, POST"))
	if w.Header().Get("Allow") != "GET, HEAD, POST" {
		t.Errorf("Allow %q", w.Header().Get("Allow"))
	}
	// The Host is checked, as on every route of a loopback listener.
	wantAnswer(t, f.do("GET", "/a/WzEs.c2ln", "", "Host: evil.example:8080"), 403, "application/json",
		answerBody(lines.OutcomeForbidden, 2, lines.HostNotListener("http://127.0.0.1:8080")))
	if f.backend.calls() != 0 {
		t.Errorf("%d calls", f.backend.calls())
	}
	// The request line names the link by its start only: it is a credential.
	f.do("GET", "/a/WzEsImRlZmF1bHQiXQ.c2lnbmF0dXJl", "")
	if got := f.log.String(); !strings.Contains(got, "serve: GET /a/WzEsImRl… 200 - ") || strings.Contains(got, "c2lnbmF0dXJl") {
		t.Errorf("log:\n%s", got)
	}
}
