package serve

import (
	"net/http"
	"sync"
	"time"

	"github.com/async-completion/go-completer/internal/lines"
)

var logLines = sync.Pool{New: func() any { b := make([]byte, 0, 96); return &b }}

// logRequest writes the request's line on standard error: one write, so that
// lines from requests served at once never mix. It names the route, never the
// query (which may hold a credential), a header or the body.
func (h *handler) logRequest(r *http.Request, x *exchange, elapsed time.Duration) {
	if h.log == nil {
		return
	}
	route := x.route
	if route == "" {
		// No route: the path as sent, cut short as an echoed argument is,
		// since it may be anything a caller pasted, a task token too. (So is
		// the method.)
		route = lines.Shorten(r.URL.EscapedPath())
	}
	status := x.status
	if status == 0 {
		status = http.StatusOK
	}
	buf := logLines.Get().(*[]byte)
	*buf = lines.AppendRequestLog((*buf)[:0], lines.Shorten(r.Method), route, status, x.outcome, elapsed.Milliseconds())
	// An error here is a standard error that went away: nowhere to say so.
	_, _ = h.log.Write(*buf)
	logLines.Put(buf)
}
