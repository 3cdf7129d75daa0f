package cli

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/async-completion/go-completer/internal/lines"
	"github.com/async-completion/go-completer/internal/links"
	"github.com/async-completion/go-completer/internal/page"
	"github.com/async-completion/go-completer/internal/send"
	"github.com/async-completion/go-completer/internal/serve"
	"github.com/async-completion/go-completer/internal/telemetry"
	"github.com/async-completion/go-completer/internal/temporalconn"
)

// verbServe serves the completer over HTTP (docs/completer-http.md).
const verbServe = "serve"

// defaultListen is --listen when none is given.
const defaultListen = "127.0.0.1:8080"

// shutdownGrace is how much longer than --rpc-timeout the requests in flight
// may take once a signal asked serve to stop.
const shutdownGrace = 5 * time.Second

// serveClient is the part of client.Client that serve uses.
type serveClient interface {
	temporalClient
	CheckHealth(ctx context.Context, request *client.CheckHealthRequest) (*client.CheckHealthResponse, error)
}

// newServeClient makes serve's one Temporal client. It connects lazily, on
// the first request a route makes: serve listens whether or not Temporal
// answers, and the same client reaches Temporal once it is back.
func newServeClient(options client.Options) (serveClient, error) {
	return client.NewLazyClient(options)
}

// serveCommand is one parsed `serve` command line.
type serveCommand struct {
	// conn holds the connection options, as every verb that connects.
	conn          command
	help          bool
	listen        string
	authTokenFile optionalText
	tlsCert       optionalText
	tlsKey        optionalText
	linkKeyFile   optionalText
	metricsListen optionalText
}

// parseServeArgs reads serve's arguments (after the verb), checked in the
// order of the other verbs: unknown option or missing value, a stray
// argument, --rpc-timeout.
func parseServeArgs(args []string) (*serveCommand, error) {
	c := &serveCommand{listen: defaultListen, conn: command{verb: verbServe, rpcTimeoutText: DefaultRPCTimeout}}
	fs := flag.NewFlagSet(verbServe, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(&c.listen, "listen", defaultListen, "where to listen, HOST:PORT")
	fs.Var(&c.authTokenFile, "auth-token-file", "the credentials callers must send")
	fs.Var(&c.tlsCert, "tls-cert", "serve HTTPS with this PEM certificate chain")
	fs.Var(&c.tlsKey, "tls-key", "the PEM key of --tls-cert")
	fs.Var(&c.linkKeyFile, "link-key-file", "answer the signed links made with this key file")
	fs.Var(&c.metricsListen, "metrics-listen", "serve GET /metrics on this address")
	c.conn.connectionOptions(fs)
	help, err := parseFlags(fs, verbServe, args)
	if err != nil {
		return nil, err
	}
	if help {
		c.help = true
		return c, nil
	}
	if err := c.conn.parseRPCTimeout(); err != nil {
		return nil, err
	}
	return c, nil
}

// serve runs `serve` until SIGTERM or SIGINT.
func (r *runner) serve(args []string) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	return runServe(ctx, args, r.stdout, r.stderr, newServeClient)
}

// runServe checks the command line, listens, prints where, and serves until
// ctx is done; then it lets the requests in flight finish (at most
// --rpc-timeout plus shutdownGrace) and returns nil: a stop is no failure.
// Its error is a start-up refusal.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer, newClient func(client.Options) (serveClient, error)) error {
	cmd, err := parseServeArgs(args)
	if err != nil {
		return err
	}
	if cmd.help {
		if _, err := io.WriteString(stdout, lines.HelpServe); err != nil {
			return lines.StdoutFailed(lines.OSReason(err))
		}
		return nil
	}
	listen, credentials, tlsConfig, err := cmd.check()
	if err != nil {
		return err
	}
	var linkKeys links.Keys
	if cmd.linkKeyFile.set {
		var warning string
		if linkKeys, warning, err = links.ReadKeys(cmd.linkKeyFile.value); err != nil {
			return err
		}
		if warning != "" {
			_, _ = fmt.Fprintln(stderr, warning)
		}
	}
	var metricsListen serve.Listen
	if cmd.metricsListen.set {
		if metricsListen, err = serve.ParseListenOption("--metrics-listen", cmd.metricsListen.value); err != nil {
			return err
		}
	}
	options, err := temporalconn.Options(cmd.conn.connectionFlags())
	if err != nil {
		return err
	}
	var metrics *telemetry.Metrics
	if cmd.metricsListen.set {
		// Before the client: the SDK's own metrics go with serve's.
		metrics = telemetry.NewMetrics()
		telemetry.UseMetrics(metrics)
		options.MetricsHandler = metrics.SDKHandler()
	}
	c, err := newClient(options)
	if err != nil {
		return lines.Other(err)
	}
	defer c.Close()

	listener, err := net.Listen("tcp", listen.Address())
	if err != nil {
		return lines.CannotListen(cmd.listen, listenReason(err))
	}
	metricsServer, err := serveMetrics(cmd.metricsListen, metricsListen, metrics)
	if err != nil {
		listener.Close()
		return err
	}
	port := listener.Addr().(*net.TCPAddr).Port
	url := listen.URL(tlsConfig != nil, port)
	backend := &serveBackend{
		client: c,
		server: send.Server{
			Namespace:   options.Namespace,
			Address:     options.HostPort,
			TimeoutText: cmd.conn.rpcTimeoutText,
			RPCTimeout:  cmd.conn.rpcTimeout,
			TLS:         temporalconn.TLS(options),
		},
		rpcTimeout: cmd.conn.rpcTimeout,
		linkKeys:   linkKeys,
		now:        time.Now,
	}
	handler := serve.New(serve.Config{
		Listen:      listen,
		Port:        port,
		URL:         url,
		Credentials: credentials,
		Page:        page.HTML,
		Links:       cmd.linkKeyFile.set,
		Log:         stderr,
	}, backend)
	server := serve.NewServer(handler, tlsConfig)

	served := make(chan error, 1)
	go func() {
		if tlsConfig != nil {
			served <- server.ServeTLS(listener, "", "")
		} else {
			served <- server.Serve(listener)
		}
	}()
	// Whoever waits for this line may connect at once: the listener is open.
	// A standard output that went away is no reason to stop serving.
	_, _ = fmt.Fprintln(stdout, lines.Serving(url))

	select {
	case err := <-served:
		return lines.Other(err)
	case <-ctx.Done():
	}
	// Stop accepting, and let the requests in flight finish: each one's
	// Temporal request is bounded by --rpc-timeout.
	stopCtx, cancel := context.WithTimeout(context.Background(), cmd.conn.rpcTimeout+shutdownGrace)
	defer cancel()
	if err := server.Shutdown(stopCtx); err != nil {
		// The bound passed (a client still sending its body): cut it off.
		server.Close()
	}
	if metricsServer != nil {
		metricsServer.Close()
	}
	return nil
}

// serveMetrics serves GET /metrics of metrics on
// --metrics-listen (nil: not given). Its own address, not the routes': a
// scraper needs no credential, and what it reads holds none.
func serveMetrics(given optionalText, listen serve.Listen, metrics *telemetry.Metrics) (*http.Server, error) {
	if !given.set {
		return nil, nil
	}
	listener, err := net.Listen("tcp", listen.Address())
	if err != nil {
		return nil, lines.CannotListen(given.value, listenReason(err))
	}
	server := serve.NewServer(serve.MetricsHandler(metrics), nil)
	go func() { _ = server.Serve(listener) }()
	return server, nil
}

// check makes the start-up checks of docs/completer-http.md, in the order of
// its table, before anything listens.
func (c *serveCommand) check() (serve.Listen, *serve.Credentials, *tls.Config, error) {
	listen, err := serve.ParseListen(c.listen)
	if err != nil {
		return serve.Listen{}, nil, nil, err
	}
	if !listen.Loopback && !c.authTokenFile.set {
		return serve.Listen{}, nil, nil, lines.ListenNeedsCredentials(listen.Host)
	}
	var credentials *serve.Credentials
	if c.authTokenFile.set {
		if credentials, err = serve.ReadCredentials(c.authTokenFile.value); err != nil {
			return serve.Listen{}, nil, nil, err
		}
	}
	if c.tlsCert.set != c.tlsKey.set {
		return serve.Listen{}, nil, nil, lines.TLSTogether()
	}
	var tlsConfig *tls.Config
	if c.tlsCert.set {
		pair, err := tls.LoadX509KeyPair(c.tlsCert.value, c.tlsKey.value)
		if err != nil {
			return serve.Listen{}, nil, nil, lines.CannotLoadTLS(c.tlsCert.value, c.tlsKey.value)
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}
	}
	return listen, credentials, tlsConfig, nil
}

// listenReason is the operating system's words for why an address cannot be
// listened on ("address already in use"), without Go's "listen tcp ADDR:".
func listenReason(err error) string {
	var syscallErr *os.SyscallError
	if errors.As(err, &syscallErr) {
		return lines.OneLine(syscallErr.Err.Error())
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Err != nil {
		return lines.OneLine(opErr.Err.Error())
	}
	return lines.OSReason(err)
}
