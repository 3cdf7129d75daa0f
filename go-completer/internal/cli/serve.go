package cli

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/grpc/codes"

	"github.com/async-completion/go-completer/internal/identity"
	"github.com/async-completion/go-completer/internal/lines"
	"github.com/async-completion/go-completer/internal/links"
	"github.com/async-completion/go-completer/internal/model"
	"github.com/async-completion/go-completer/internal/page"
	"github.com/async-completion/go-completer/internal/pending"
	"github.com/async-completion/go-completer/internal/send"
	"github.com/async-completion/go-completer/internal/serve"
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
	options, err := temporalconn.Options(cmd.conn.connectionFlags())
	if err != nil {
		return err
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
	return nil
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

// serveBackend does what serve's routes ask, with the command line's own
// code: the batch's job parsing, the verbs' requests, list's listing, and
// the lines of each.
type serveBackend struct {
	client serveClient
	// server names the Temporal server, for the lines of a failed request.
	server     send.Server
	rpcTimeout time.Duration
	// connected is whether the client has reached the Temporal server once.
	connected atomic.Bool
	// linkKeys verify the signed links of /a/LINK (--link-key-file).
	linkKeys links.Keys
	// now is the clock that links expire by.
	now func() time.Time
}

// Act checks one job as a --batch line of its verb is checked, and sends it,
// recording the identity of docs/completer-http.md ("Who acted, and webhook
// retries"): the credential's NAME, or on a listener without credentials the
// job's own "identity", marked as unauthenticated.
func (b *serveBackend) Act(ctx context.Context, req serve.Request) model.Outcome {
	base := command{verb: req.Verb, rpcTimeout: b.rpcTimeout}
	j, err := parseJobLine(0, req.Job, &base)
	if err != nil {
		return outcomeOf(err)
	}
	if req.IdempotencyKey != nil {
		key := *req.IdempotencyKey
		if !identity.ValidKey(key) {
			return model.Outcome{Code: lines.ExitUsage, Message: lines.KeyHeaderBad}
		}
		if j.cmd.idempotencyKey.set && j.cmd.idempotencyKey.value != key {
			return model.Outcome{Code: lines.ExitUsage, Message: lines.KeysDiffer}
		}
		j.cmd.idempotencyKey = optionalText{value: key, set: true}
	}
	actor := req.Credential
	if actor == "" {
		actor = identity.Unauthenticated(j.cmd.identity.value)
	}
	j.identity = identity.Recorded(actor, identity.Serve, j.cmd.idempotencyKey.value)

	ctx, cancel := context.WithTimeout(ctx, b.rpcTimeout)
	defer cancel()
	svc, err := b.service(ctx)
	if err != nil {
		return outcomeOf(err)
	}
	done, err := send.Send(ctx, svc, b.server, j.request())
	if err != nil {
		return outcomeOf(err)
	}
	return model.Outcome{Code: lines.ExitOK, Message: done.Message, Already: done.Already}
}

// service is the WorkflowService of serve's lazy client, once it reached the
// Temporal server. The SDK's client does the same before its first request
// (GetSystemInfo): a failure to connect is read as the other verbs read one
// (send.MapDialError), so that, for example, an address where no Temporal server
// answers is unreachable rather than a refusal, and a failed TLS handshake
// gets its own line.
func (b *serveBackend) service(ctx context.Context) (send.Service, error) {
	svc := b.client.WorkflowService()
	if b.connected.Load() {
		return svc, nil
	}
	if _, err := svc.GetSystemInfo(ctx, &workflowservice.GetSystemInfoRequest{}); err != nil && !unknownMethod(err) {
		return nil, send.MapDialError(err, ctx.Err(), send.Request{Server: b.server})
	}
	b.connected.Store(true)
	return svc, nil
}

// unknownMethod reports whether a server answered that it has no such method:
// a Temporal server older than GetSystemInfo, as the SDK's client allows.
func unknownMethod(err error) bool {
	code, message, ok := send.GRPCStatus(err)
	lower := strings.ToLower(message)
	return ok && code == codes.Unimplemented && (strings.Contains(lower, "unknown method") || strings.Contains(lower, "not implemented"))
}

// Pending lists scope as `list --json` does, every line before the answer.
func (b *serveBackend) Pending(ctx context.Context, scope serve.Scope) ([]byte, *model.Outcome) {
	if scope.WorkflowID != "" && scope.HasQuery {
		outcome := outcomeOf(lines.WorkflowIDAndQuery())
		return nil, &outcome
	}
	query := defaultListQuery
	if scope.HasQuery {
		query = scope.Query
	}
	var body []byte
	err := pending.List(ctx, b.client, pending.Options{
		WorkflowID:  scope.WorkflowID,
		Query:       query,
		PageSize:    maxPageSize,
		Concurrency: serveListConcurrency,
		RPCTimeout:  b.rpcTimeout,
		Gone:        workflowGone,
	}, pending.Handlers{
		// Called one at a time.
		Described: func(w pending.Workflow) error {
			for _, a := range w.Activities {
				body = lines.AppendPendingJSON(body, a)
			}
			return nil
		},
		PageDone: func([]pending.Workflow) error { return nil },
	})
	if err != nil {
		outcome := outcomeOf(mapListError(err, b.server))
		return nil, &outcome
	}
	return body, nil
}

// serveListConcurrency is the describes in flight of GET /v1/pending: list's
// default.
const serveListConcurrency = 32

// Health asks the Temporal server for its health, within --rpc-timeout.
func (b *serveBackend) Health(ctx context.Context) model.Outcome {
	ctx, cancel := context.WithTimeout(ctx, b.rpcTimeout)
	defer cancel()
	if _, err := b.client.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		failure := mapLazyRequestError(err, ctx.Err(), send.Request{Server: b.server})
		// An answer that is not "serving" is as good as none.
		if failure.Code != lines.ExitUnreachable {
			failure = lines.Unreachable(b.server.Address, b.server.TimeoutText)
		}
		return outcomeOf(failure)
	}
	return model.Outcome{Code: lines.ExitOK, Message: lines.TemporalAnswers(b.server.Address)}
}

// Identity is what an action sent now would record as who acted, without a
// key: the credential's NAME, or without credentials the name given, marked
// as unauthenticated.
func (b *serveBackend) Identity(credential string, name *string) model.Outcome {
	actor := credential
	if name != nil && !identity.Valid(*name) {
		return model.Outcome{Code: lines.ExitUsage, Message: lines.BadNameParameter}
	}
	if actor == "" {
		given := ""
		if name != nil {
			given = *name
		}
		actor = identity.Unauthenticated(given)
	}
	return model.Outcome{Code: lines.ExitOK, Message: identity.Recorded(actor, identity.Serve, "")}
}

// lazyConnectFailed starts the error of a request whose lazy client could not
// connect first (go.temporal.io/sdk internal_workflow_client.go,
// loadCapabilities).
const lazyConnectFailed = "failed reaching server: "

// mapLazyRequestError is send.MapRequestError for serve's lazy client, whose first
// request connects: an error of connecting is read as the other verbs read
// one (send.MapDialError), so that, for example, a failed TLS handshake gets its
// own line.
func mapLazyRequestError(err, deadlineErr error, req send.Request) *lines.Failure {
	if strings.Contains(err.Error(), lazyConnectFailed) {
		return send.MapDialError(err, deadlineErr, req)
	}
	return send.MapRequestError(err, deadlineErr, req)
}

// outcomeOf is the outcome of a failure: its code and line, and whether it
// is the line of a result or details too large for the server (413).
func outcomeOf(err error) model.Outcome {
	failure := lines.AsFailure(err)
	var tooLarge send.PayloadTooLarge
	return model.Outcome{Code: failure.Code, Message: failure.Message, TooLarge: errors.As(err, &tooLarge)}
}
