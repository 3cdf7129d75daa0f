package serve

import (
	"context"
	"net/http"

	"github.com/async-completion/go-completer/internal/lines"
	"github.com/async-completion/go-completer/internal/page"
)

// linkRoute is the route of signed links, and linkMethods its methods.
const (
	linkRoute   = "/a/{link}"
	linkMethods = "GET, HEAD, POST"
)

// linkRoutes registers /a/LINK. A link's signature is its credential: no
// bearer credential here, on any listener.
func (h *handler) linkRoutes() {
	h.mux.HandleFunc("GET "+linkRoute, h.link(false))
	h.mux.HandleFunc("POST "+linkRoute, h.link(true))
	h.mux.HandleFunc(linkRoute, func(w http.ResponseWriter, r *http.Request) {
		w.(*exchange).route = loggedLink(r)
		w.Header().Set("Allow", linkMethods)
		answer(w, http.StatusMethodNotAllowed, lines.OutcomeMethodNotAllowed, lines.ExitUsage, lines.MethodNotAllowed(r.Method, linkMethods))
	})
}

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
