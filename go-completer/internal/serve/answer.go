package serve

import (
	"net/http"
	"strconv"
	"sync"

	"github.com/async-completion/go-completer/internal/lines"
	"github.com/async-completion/go-completer/internal/model"
)

// The content types of the answers.
const (
	contentTypeJSON   = "application/json"
	contentTypeNDJSON = "application/x-ndjson"
	contentTypeHTML   = "text/html; charset=utf-8"
)

// linkStatuses are the statuses of the link pages.
var linkStatuses = map[LinkKind]int{
	LinkShown:       http.StatusOK,
	LinkInvalid:     http.StatusForbidden,
	LinkExpired:     http.StatusGone,
	LinkRefused:     http.StatusConflict,
	LinkUnreachable: http.StatusServiceUnavailable,
	LinkFailed:      http.StatusInternalServerError,
}

// htmlPage writes a page that no other site may frame, to trick a click on
// its buttons.
func htmlPage(w http.ResponseWriter, status int, body []byte) {
	header := w.Header()
	header["X-Frame-Options"] = []string{"DENY"}
	header["Content-Security-Policy"] = []string{"frame-ancestors 'none'"}
	writeBody(w, status, contentTypeHTML, body)
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
		x.status, x.outcome, x.already = status, outcome, already
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
