package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"unicode/utf8"

	"github.com/async-completion/go-completer/internal/lines"
)

// MaxBodyBytes is the largest request body: four times the server's blob
// limit, room for a result at that limit however JSON escapes it.
const MaxBodyBytes = 8 << 20

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

// servePage serves GET /: the approval page, the same bytes always. No other
// site may frame it, to trick a click on its buttons.
func (h *handler) servePage(w http.ResponseWriter, r *http.Request) {
	w.(*exchange).status = http.StatusOK
	htmlPage(w, http.StatusOK, h.page)
}

// activity serves GET /v1/activity: one pending Activity's /v1/pending line,
// its whole input included, for the page's "Show all" (loaded on demand).
// 409 once it is not pending (in the run given, else the latest).
func (h *handler) activity(w http.ResponseWriter, r *http.Request) {
	query := r.URL.Query()
	workflowID, activityID, runID := query.Get("workflow_id"), query.Get("activity_id"), query.Get("run_id")
	if workflowID == "" || activityID == "" {
		answer(w, http.StatusBadRequest, lines.OutcomeName(lines.ExitUsage), lines.ExitUsage, lines.ActivityNeedsIDs)
		return
	}
	body, failure := h.backend.Pending(r.Context(), Scope{WorkflowID: workflowID})
	if failure != nil {
		answerOutcome(w, *failure)
		return
	}
	for line := range bytes.Lines(body) {
		var row struct {
			RunID      string `json:"run_id"`
			ActivityID string `json:"activity_id"`
		}
		if json.Unmarshal(line, &row) == nil && row.ActivityID == activityID && (runID == "" || runID == row.RunID) {
			x := w.(*exchange)
			x.status, x.outcome = http.StatusOK, lines.OutcomeName(lines.ExitOK)
			writeBody(w, http.StatusOK, contentTypeJSON, line)
			return
		}
	}
	message := lines.ActivityNotPending(workflowID, activityID)
	answer(w, http.StatusConflict, lines.OutcomeName(lines.ExitRefused), lines.ExitRefused, message)
}
