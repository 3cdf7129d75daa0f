// Package serve is the completer's HTTP service (docs/completer-http.md): its
// routes, who may call them (a credential, the Host header), its limits, and
// the status code of each answer. What a route does, it asks a Backend: the
// same job parsing, sending and lines as the command line's, so that an
// answer is the batch's outcome line for the same job. This package adds
// HTTP and nothing else.
package serve

import (
	"io"
	"net/http"
	"path"
	"time"

	"github.com/async-completion/go-completer/internal/lines"
)

// Verbs are the routes POST /v1/VERB, each the command of the same name.
var Verbs = []string{"complete", "fail", "heartbeat", "cancel"}

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
	h.mux.Handle("GET /v1/activity", h.guarded("/v1/activity", true, h.activity))
	h.mux.Handle("/v1/activity", h.notAllowed("/v1/activity", "GET, HEAD"))
	h.mux.Handle("GET /v1/identity", h.guarded("/v1/identity", true, h.identity))
	h.mux.Handle("/v1/identity", h.notAllowed("/v1/identity", "GET, HEAD"))
	h.mux.Handle("GET /healthz", h.guarded("/healthz", false, h.healthz))
	h.mux.Handle("/healthz", h.notAllowed("/healthz", "GET, HEAD"))
	if config.Links {
		h.linkRoutes()
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
	// already: the answer repeats what closed its Activity.
	already bool
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	r, seen := see(r)
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
		seen.done(r, x)
	}()
	if headersTooLarge(r) {
		answer(x, http.StatusRequestHeaderFieldsTooLarge, lines.OutcomeName(lines.ExitUsage), lines.ExitUsage, lines.HeadersTooLarge(MaxHeaderFields, MaxHeaderBytes))
		return
	}
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
