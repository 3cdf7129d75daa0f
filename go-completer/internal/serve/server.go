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
)

// NewServer is the HTTP server of handler, with the contract's limits; with a
// TLS configuration, it serves HTTPS. It speaks HTTP/1.1 only, as the Python
// completer does: one protocol, whose limits the contract words.
func NewServer(handler http.Handler, tlsConfig *tls.Config) *http.Server {
	server := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: HeaderTimeout,
		ReadTimeout:       RequestTimeout,
		IdleTimeout:       IdleTimeout,
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
