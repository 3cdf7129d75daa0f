// Package serve is the completer's HTTP service (docs/completer-http.md): its
// routes, who may call them (a credential, the Host header), its limits, and
// the status code of each answer. What a route does, it asks a Backend: the
// same job parsing, sending and lines as the command line's, so that an
// answer is the batch's outcome line for the same job. This package adds
// HTTP and nothing else.
package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"path"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/async-completion/go-completer/internal/lines"
	"github.com/async-completion/go-completer/internal/model"
	"github.com/async-completion/go-completer/internal/page"
)

// MaxBodyBytes is the largest request body: four times the server's blob
// limit, room for a result at that limit however JSON escapes it.
const MaxBodyBytes = 8 << 20

// The content types of the answers.
const (
	contentTypeJSON   = "application/json"
	contentTypeNDJSON = "application/x-ndjson"
	contentTypeHTML   = "text/html; charset=utf-8"
)

// Verbs are the routes POST /v1/VERB, each the command of the same name.
var Verbs = []string{"complete", "fail", "heartbeat", "cancel"}

// Request is one POST /v1/VERB: the job, and what the request says of who
// sends it.
type Request struct {
	Verb string
	// Job is the body, one JSON object, without white space around it.
	Job string
	// Credential is the NAME of the request's credential; empty on a
	// listener without credentials, where a job may name itself.
	Credential string
	// IdempotencyKey is the Idempotency-Key header as sent, nil without one.
	IdempotencyKey *string
}

// Scope is what GET /v1/pending lists: list's --workflow-id and --query.
type Scope struct {
	WorkflowID string
	Query      string
	// HasQuery is whether query= was given at all (it may be empty).
	HasQuery bool
}

// Backend does what the routes ask of Temporal. Its methods are called from
// many goroutines at once; each bounds its Temporal requests by --rpc-timeout.
type Backend interface {
	// Act checks the request's job as a --batch job of its verb, and sends
	// it.
	Act(ctx context.Context, request Request) model.Outcome
	// Pending is the `list --json` lines of scope, read whole, or the failure
	// that stopped the listing.
	Pending(ctx context.Context, scope Scope) ([]byte, *model.Outcome)
	// Health says whether the Temporal server answers a health check.
	Health(ctx context.Context) model.Outcome
	// Identity is the identity an action sent now would record: the
	// credential's NAME, or without one the name given (nil for none).
	Identity(credential string, name *string) model.Outcome
	// Link checks a signed link and says what it names (act false), or does
	// what it names (act true).
	Link(ctx context.Context, link string, act bool) LinkAnswer
}

// LinkAnswer is what a link route answers: one page of link.html.
type LinkAnswer struct {
	Kind LinkKind
	Page page.LinkPage
}

// LinkKind is which page a link route answers, and so its status.
type LinkKind int

// The link pages of docs/completer-http.md.
const (
	// LinkShown: the confirmation, a GET of a link that can no longer act,
	// or the outcome of a POST that acted.
	LinkShown LinkKind = iota
	// LinkInvalid: the link does not parse, or does not verify.
	LinkInvalid
	// LinkExpired: past its expiry.
	LinkExpired
	// LinkRefused: not pending at the link's attempt, or another namespace.
	LinkRefused
	// LinkUnreachable: Temporal did not answer.
	LinkUnreachable
	// LinkFailed: anything else.
	LinkFailed
)

var linkStatuses = map[LinkKind]int{
	LinkShown:       http.StatusOK,
	LinkInvalid:     http.StatusForbidden,
	LinkExpired:     http.StatusGone,
	LinkRefused:     http.StatusConflict,
	LinkUnreachable: http.StatusServiceUnavailable,
	LinkFailed:      http.StatusInternalServerError,
}

// Config is what the handler needs to know of the listener.
type Config struct {
	Listen Listen
	// Port is the port the listener got (Listen.Port may be 0).
	Port int
	// URL is the listener's address as serve printed it.
	URL string
	// Credentials, when not nil, are required on every route but GET
	// /healthz and GET /.
	Credentials *Credentials
	// Page is the approval page, served at GET /.
	Page []byte
	// Links is whether /a/LINK answers signed links (serve
	// --link-key-file).
	Links bool
	// Log receives one line per request.
	Log io.Writer
}

// handler serves the routes of docs/completer-http.md.
type handler struct {
	mux          *http.ServeMux
	backend      Backend
	credentials  *Credentials
	allowedHosts []string
	url          string
	page         []byte
	log          io.Writer
}

// New is the handler of every route.
func New(config Config, backend Backend) http.Handler {
	h := &handler{
		mux:         http.NewServeMux(),
		backend:     backend,
		credentials: config.Credentials,
		url:         config.URL,
		page:        config.Page,
		log:         config.Log,
	}
	if config.Listen.Loopback {
		h.allowedHosts = config.Listen.allowedHosts(config.Port)
	}
	// Each path is registered twice: with its method(s) for the route, and
	// without one, for the 405 of any other method. A pattern with a method
	// is the more specific, so it wins when the method matches (GET patterns
	// take HEAD too).
	for _, verb := range Verbs {
		route := "/v1/" + verb
		h.mux.Handle("POST "+route, h.guarded(route, true, h.job(verb)))
		h.mux.Handle(route, h.notAllowed(route, "POST"))
	}
	h.mux.Handle("GET /v1/pending", h.guarded("/v1/pending", true, h.pending))
	h.mux.Handle("/v1/pending", h.notAllowed("/v1/pending", "GET, HEAD"))
	h.mux.Handle("GET /v1/identity", h.guarded("/v1/identity", true, h.identity))
	h.mux.Handle("/v1/identity", h.notAllowed("/v1/identity", "GET, HEAD"))
	h.mux.Handle("GET /healthz", h.guarded("/healthz", false, h.healthz))
	h.mux.Handle("/healthz", h.notAllowed("/healthz", "GET, HEAD"))
	if config.Links {
		// A link's signature is its credential: no bearer credential here,
		// on any listener.
		h.mux.HandleFunc("GET "+linkRoute, h.link(false))
		h.mux.HandleFunc("POST "+linkRoute, h.link(true))
		h.mux.HandleFunc(linkRoute, func(w http.ResponseWriter, r *http.Request) {
			w.(*exchange).route = loggedLink(r)
			w.Header().Set("Allow", linkMethods)
			answer(w, http.StatusMethodNotAllowed, lines.OutcomeMethodNotAllowed, lines.ExitUsage, lines.MethodNotAllowed(r.Method, linkMethods))
		})
	}
	h.mux.Handle("GET /{$}", h.guarded("/", false, h.servePage))
	h.mux.Handle("/{$}", h.notAllowed("/", "GET, HEAD"))
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		answer(w, http.StatusNotFound, lines.OutcomeNotFound, lines.ExitUsage, lines.NoSuchRoute)
	})
	return h
}

// exchange is what the request line on standard error says of a request:
// set by the route that answers it.
type exchange struct {
	http.ResponseWriter
	route   string
	status  int
	outcome string
	// credential is the NAME of the credential the request carries.
	credential string
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	x := &exchange{ResponseWriter: w, outcome: "-"}
	defer func() {
		// A bug must not end the connection without an answer and its line.
		if recovered := recover(); recovered != nil {
			failure := lines.InternalError(recovered)
			if x.status == 0 {
				answer(x, http.StatusInternalServerError, lines.OutcomeName(failure.Code), failure.Code, failure.Message)
			}
		}
		h.logRequest(r, x, time.Since(start))
	}()
	// ServeMux would redirect a path that is not clean (//healthz,
	// /v1/../healthz, /healthz/) with an HTML body; no such path is a route,
	// nor is one that does not start with / (OPTIONS *).
	if p := r.URL.Path; p == "" || p[0] != '/' || path.Clean(p) != p {
		answer(x, http.StatusNotFound, lines.OutcomeNotFound, lines.ExitUsage, lines.NoSuchRoute)
		return
	}
	h.mux.ServeHTTP(x, r)
}

// guarded checks who may call route, in the contract's order: the credential
// (401, when needed and required), then the Host header (403).
func (h *handler) guarded(route string, needsCredential bool, next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.(*exchange).route = route
		if needsCredential && h.credentials != nil {
			secret, ok := bearer(r.Header.Get("Authorization"))
			name, known := h.credentials.Match(secret)
			if !ok || !known {
				w.Header().Set("WWW-Authenticate", "Bearer")
				answer(w, http.StatusUnauthorized, lines.OutcomeUnauthorized, lines.ExitUsage, lines.NeedsCredential)
				return
			}
			w.(*exchange).credential = name
		}
		if h.allowedHosts != nil && !h.hostAllowed(r.Host) {
			answer(w, http.StatusForbidden, lines.OutcomeForbidden, lines.ExitUsage, lines.HostNotListener(h.url))
			return
		}
		next(w, r)
	})
}

func (h *handler) hostAllowed(host string) bool {
	for _, allowed := range h.allowedHosts {
		if host == allowed {
			return true
		}
	}
	return false
}

// notAllowed answers 405 for route, with its methods in the Allow header.
func (h *handler) notAllowed(route, allowed string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.(*exchange).route = route
		w.Header().Set("Allow", allowed)
		answer(w, http.StatusMethodNotAllowed, lines.OutcomeMethodNotAllowed, lines.ExitUsage, lines.MethodNotAllowed(r.Method, allowed))
	})
}

// job serves POST /v1/VERB: the content type (415), the size (413), the body
// (400), then the job itself and its request to Temporal.
func (h *handler) job(verb string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !isJSON(r.Header.Get("Content-Type")) {
			answer(w, http.StatusUnsupportedMediaType, lines.OutcomeName(lines.ExitUsage), lines.ExitUsage, lines.BodyNotJSON)
			return
		}
		body, err := readBody(w, r)
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				answer(w, http.StatusRequestEntityTooLarge, lines.OutcomeName(lines.ExitUsage), lines.ExitUsage, lines.BodyTooLarge(MaxBodyBytes))
				return
			}
			// A body cut short (the client went away, or took longer than
			// the request bound) is no JSON object either.
			answer(w, http.StatusBadRequest, lines.OutcomeName(lines.ExitUsage), lines.ExitUsage, lines.BodyNotAnObject)
			return
		}
		if !isOneObject(body) {
			answer(w, http.StatusBadRequest, lines.OutcomeName(lines.ExitUsage), lines.ExitUsage, lines.BodyNotAnObject)
			return
		}
		request := Request{
			Verb:       verb,
			Job:        string(bytes.Trim(body, jsonSpace)),
			Credential: w.(*exchange).credential,
		}
		if values, ok := r.Header["Idempotency-Key"]; ok {
			request.IdempotencyKey = &values[0]
		}
		// The request to Temporal is bounded by --rpc-timeout, not by the
		// caller's connection: a caller that goes away does not cut a
		// completion short halfway (and SIGTERM lets it finish).
		answerOutcome(w, h.backend.Act(context.WithoutCancel(r.Context()), request))
	}
}

// isJSON reports whether a Content-Type is application/json, with or without
// parameters.
func isJSON(contentType string) bool {
	if contentType == contentTypeJSON {
		return true
	}
	mediaType, _, err := mime.ParseMediaType(contentType)
	// A parameter that cannot be parsed leaves the media type readable.
	if err != nil && !errors.Is(err, mime.ErrInvalidMediaParameter) {
		return false
	}
	return mediaType == contentTypeJSON
}

// readBody reads the whole body, at most MaxBodyBytes.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.ContentLength > MaxBodyBytes {
		// Known too large before reading it: no need to read a byte of it.
		return nil, &http.MaxBytesError{Limit: MaxBodyBytes}
	}
	var buf bytes.Buffer
	// Room for the body the client announced, up to a bound: an announced
	// size costs nothing to send.
	buf.Grow(int(min(max(r.ContentLength, 0), maxBodyPrealloc)) + bytes.MinRead)
	if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, MaxBodyBytes)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// maxBodyPrealloc is the most memory given to a body before its bytes arrive.
const maxBodyPrealloc = 64 << 10

// jsonSpace is JSON's white space, which may surround a body.
const jsonSpace = " \t\n\r"

// isOneObject reports whether body is one JSON object, and nothing else but
// white space: a body is one job. (A batch line may also be a bare hex
// token; a body may not.)
func isOneObject(body []byte) bool {
	for _, c := range body {
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		case '{':
			return utf8.Valid(body) && json.Valid(body)
		}
		return false
	}
	return false
}

// pending serves GET /v1/pending: list --json, read whole, then answered.
func (h *handler) pending(w http.ResponseWriter, r *http.Request) {
	query := r.URL.Query()
	scope := Scope{WorkflowID: query.Get("workflow_id"), Query: query.Get("query"), HasQuery: query.Has("query")}
	body, failure := h.backend.Pending(r.Context(), scope)
	if failure != nil {
		answerOutcome(w, *failure)
		return
	}
	x := w.(*exchange)
	x.status, x.outcome = http.StatusOK, lines.OutcomeName(lines.ExitOK)
	writeBody(w, http.StatusOK, contentTypeNDJSON, body)
}

// identity serves GET /v1/identity: what an action would record as who
// acted, for the page to show before a person acts.
func (h *handler) identity(w http.ResponseWriter, r *http.Request) {
	var name *string
	if values, ok := r.URL.Query()["name"]; ok {
		name = &values[0]
	}
	answerOutcome(w, h.backend.Identity(w.(*exchange).credential, name))
}

// healthz serves GET /healthz: whether Temporal answers.
func (h *handler) healthz(w http.ResponseWriter, r *http.Request) {
	answerOutcome(w, h.backend.Health(r.Context()))
}

// linkRoute is the route of signed links, and linkMethods its methods.
const (
	linkRoute   = "/a/{link}"
	linkMethods = "GET, HEAD, POST"
)

// loggedLink is how the request line names a link's route: a link is a
// credential, so only its start, cut short as an echoed argument is.
func loggedLink(r *http.Request) string {
	return "/a/" + lines.Shorten(r.PathValue("link"))
}

// link serves GET, HEAD (act false) and POST (act true) /a/LINK: a page for
// a person. GET and HEAD never act, so that the scanners of mail and chat
// that open every link do nothing; POST, the page's button, acts. Any body
// is ignored.
func (h *handler) link(act bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		x := w.(*exchange)
		x.route = loggedLink(r)
		if h.allowedHosts != nil && !h.hostAllowed(r.Host) {
			answer(w, http.StatusForbidden, lines.OutcomeForbidden, lines.ExitUsage, lines.HostNotListener(h.url))
			return
		}
		// Bounded by --rpc-timeout, not by the person's connection, as a job.
		answered := h.backend.Link(context.WithoutCancel(r.Context()), r.PathValue("link"), act)
		status := linkStatuses[answered.Kind]
		x.status = status
		htmlPage(w, status, page.Link(answered.Page))
	}
}

// htmlPage writes a page that no other site may frame, to trick a click on
// its buttons.
func htmlPage(w http.ResponseWriter, status int, body []byte) {
	header := w.Header()
	header["X-Frame-Options"] = []string{"DENY"}
	header["Content-Security-Policy"] = []string{"frame-ancestors 'none'"}
	writeBody(w, status, contentTypeHTML, body)
}

// servePage serves GET /: the approval page, the same bytes always. No other
// site may frame it, to trick a click on its buttons.
func (h *handler) servePage(w http.ResponseWriter, r *http.Request) {
	w.(*exchange).status = http.StatusOK
	htmlPage(w, http.StatusOK, h.page)
}

// Status is the HTTP status of an outcome: 200 done (and a heartbeat that
// was recorded and answered with a cancel request), 400 malformed (413 too
// large), 409 refused, 503 unreachable, 500 anything else.
func Status(o model.Outcome) int {
	switch o.Code {
	case lines.ExitOK, lines.ExitCancelled:
		return http.StatusOK
	case lines.ExitUsage:
		if o.TooLarge {
			return http.StatusRequestEntityTooLarge
		}
		return http.StatusBadRequest
	case lines.ExitRefused:
		return http.StatusConflict
	case lines.ExitUnreachable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

func answerOutcome(w http.ResponseWriter, o model.Outcome) {
	answerAlready(w, Status(o), lines.OutcomeName(o.Code), o.Code, o.Message, o.Already)
}

var bodies = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// answer writes a JSON answer, and notes it for the request's line.
func answer(w http.ResponseWriter, status int, outcome string, code int, message string) {
	answerAlready(w, status, outcome, code, message, false)
}

// answerAlready is answer, with "already":true for a request that repeated
// what closed its Activity.
func answerAlready(w http.ResponseWriter, status int, outcome string, code int, message string, already bool) {
	if x, ok := w.(*exchange); ok {
		x.status, x.outcome = status, outcome
	}
	buf := bodies.Get().(*[]byte)
	*buf = lines.AppendAnswer((*buf)[:0], outcome, code, message, already)
	writeBody(w, status, contentTypeJSON, *buf)
	bodies.Put(buf)
}

func writeBody(w http.ResponseWriter, status int, contentType string, body []byte) {
	header := w.Header()
	header["Content-Type"] = []string{contentType}
	header["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	// An error here is a caller that went away: nothing to tell it.
	_, _ = w.Write(body)
}
