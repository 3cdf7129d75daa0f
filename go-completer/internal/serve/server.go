package serve

import (
	"crypto/tls"
	"io"
	"log"
	"net/http"
	"time"
)

// The limits of docs/completer-http.md, enforced by net/http itself.
const (
	// HeaderTimeout bounds the request headers, from the connection (or from
	// the first byte of the next request on a kept-alive one).
	HeaderTimeout = 10 * time.Second
	// RequestTimeout bounds reading a whole request, its body included.
	RequestTimeout = 30 * time.Second
	// IdleTimeout closes a kept-alive connection that sends nothing more.
	IdleTimeout = 60 * time.Second
	// MaxHeaderBytes and MaxHeaderFields bound a request's headers, as the
	// Python completer bounds them: the request target and every header
	// name and value count (Host too); beyond either, 431 with the JSON
	// answer. The routes check them (headersTooLarge), so that the answer is
	// the same as Python's wherever its parser refuses instead; net/http's
	// own bound (its default, 1 MiB) lies above anything that parser admits,
	// and beyond it net/http answers 431 itself, in plain text.
	MaxHeaderBytes    = 16384
	MaxHeaderFields   = 100
	parserHeaderBytes = 1 << 20
)

// headersTooLarge reports whether r's headers are beyond the contract's
// bounds.
func headersTooLarge(r *http.Request) bool {
	// net/http takes Host out of the header map.
	size, fields := len(r.RequestURI)+len("Host")+len(r.Host), 1
	for name, values := range r.Header {
		for _, value := range values {
			size += len(name) + len(value)
			fields++
		}
	}
	return size > MaxHeaderBytes || fields > MaxHeaderFields
}

// NewServer is the HTTP server of handler, with the contract's limits; with a
// TLS configuration, it serves HTTPS. It speaks HTTP/1.1 only, as the Python
// completer does: one protocol, whose limits the contract words.
func NewServer(handler http.Handler, tlsConfig *tls.Config) *http.Server {
	server := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: HeaderTimeout,
		ReadTimeout:       RequestTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    parserHeaderBytes,
		TLSConfig:         tlsConfig,
		// net/http logs what goes wrong on a connection (a TLS handshake, a
		// panic) to standard error; serve's only lines there are its request
		// lines.
		ErrorLog:  log.New(io.Discard, "", 0),
		Protocols: new(http.Protocols),
		// OPTIONS * is no route either: the handler answers it 404, rather
		// than net/http 200 with no body.
		DisableGeneralOptionsHandler: true,
	}
	server.Protocols.SetHTTP1(true)
	return server
}
