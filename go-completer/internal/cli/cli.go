// Package cli is the Go completer's command line: it completes, fails,
// heartbeats or cancels an Activity that the Worker left to complete
// asynchronously, or decodes its task token offline. docs/completer-cli.md is
// its specification, word for word; the Python completer follows the same page.
//
// args.go is the grammar, one file per verb holds the verb's own options and
// work; package send sends one request and decides its answer; every line
// printed comes from package lines.
package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"golang.org/x/term"

	"github.com/async-completion/go-completer/internal/identity"
	"github.com/async-completion/go-completer/internal/lines"
	"github.com/async-completion/go-completer/internal/pending"
	"github.com/async-completion/go-completer/internal/send"
	"github.com/async-completion/go-completer/internal/temporalconn"
)

// Run runs the completer with args (without the program name) and returns the
// exit code. It prints one line to stdout on success, and one line starting
// "error: " to stderr on failure, whatever the input.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	r := &runner{stdin: stdin, stdout: stdout, stderr: stderr, dial: dialTemporal, progress: isTerminal(stderr), now: time.Now}
	return r.run(args)
}

// temporalClient is the part of client.Client the completer uses: the
// WorkflowService itself for the requests that record who acted, and the
// client's listing.
type temporalClient interface {
	WorkflowService() workflowservice.WorkflowServiceClient
	pending.Service
	Close()
}

// dialFunc connects to a Temporal server. Tests replace it with a fake.
type dialFunc func(ctx context.Context, options client.Options) (temporalClient, error)

func dialTemporal(ctx context.Context, options client.Options) (temporalClient, error) {
	c, err := temporalconn.Dial(ctx, options)
	if err != nil {
		return nil, err
	}
	return c, nil
}

type runner struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	dial   dialFunc
	// progress is whether a batch shows its progress on stderr: only when
	// stderr is a terminal.
	progress bool
	// now is the time that list counts ages to.
	now func() time.Time
}

func (r *runner) run(args []string) (code int) {
	// No input may end in a panic's trace; a bug still ends in one error line.
	defer func() {
		if recovered := recover(); recovered != nil {
			code = r.fail(lines.InternalError(recovered))
		}
	}()
	if err := r.execute(args); err != nil {
		return r.fail(lines.AsFailure(err))
	}
	return lines.ExitOK
}

// fail prints the failure's one line and returns its exit code.
func (r *runner) fail(failure *lines.Failure) int {
	fmt.Fprintln(r.stderr, lines.Prefix+failure.Message)
	return failure.Code
}

func (r *runner) execute(args []string) error {
	// serve has a grammar of its own: it serves jobs rather than naming one.
	if len(args) > 0 && args[0] == verbServe {
		return r.serve(args[1:])
	}
	if len(args) > 0 && args[0] == verbLink {
		return r.link(args[1:])
	}
	cmd, err := parseArgs(args)
	if err != nil {
		return err
	}
	switch {
	case cmd.help:
		if _, err := io.WriteString(r.stdout, lines.Help(cmd.verb, len(args) > 0 && strings.HasPrefix(args[0], "-"))); err != nil {
			return lines.StdoutFailed(lines.OSReason(err))
		}
		return nil
	case cmd.verb == verbInspect:
		return r.inspect(cmd)
	case cmd.verb == verbList:
		return r.list(cmd)
	case cmd.batch.set:
		return r.runBatch(cmd)
	}
	return r.runOne(cmd)
}

// runOne sends the one request of complete, fail, heartbeat or cancel, after
// every check of its input: the token, the result file, the payload size.
func (r *runner) runOne(cmd *command) error {
	j := &job{cmd: *cmd}
	if cmd.taskToken.set {
		text, err := tokenText(cmd, r.stdin)
		if err != nil {
			return err
		}
		if j.token, err = parseToken(text); err != nil {
			return err
		}
	}
	if cmd.resultFile.set {
		result, err := readResultFile(cmd.resultFile.value)
		if err != nil {
			return err
		}
		j.cmd.result = result
	}
	var err error
	switch {
	case cmd.verb == verbComplete:
		err = send.CheckPayloadSize("result", j.cmd.result)
	case cmd.details.set:
		err = send.CheckPayloadSize("details", cmd.details.value)
	}
	if err != nil {
		return err
	}
	j.desc = describe(cmd, j.token)
	j.identity = cliIdentity(&j.cmd)

	// One deadline bounds connecting and the request together, so a completer
	// facing a server that is down or stuck ends within --rpc-timeout.
	ctx, cancel := context.WithTimeout(context.Background(), cmd.rpcTimeout)
	defer cancel()
	c, server, err := r.connect(ctx, cmd)
	if err != nil {
		return err
	}
	defer c.Close()
	done, err := send.Send(ctx, c.WorkflowService(), server, j.request())
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintln(r.stdout, done.Message); err != nil {
		return lines.StdoutFailedAfterRequest(lines.OSReason(err))
	}
	return nil
}

// connect reads the connection settings and dials within ctx. The server it
// returns is named in the lines of a failed request.
func (r *runner) connect(ctx context.Context, cmd *command) (temporalClient, send.Server, error) {
	options, err := temporalconn.Options(cmd.connectionFlags())
	if err != nil {
		return nil, send.Server{}, err
	}
	server := send.Server{
		Namespace:   options.Namespace,
		Address:     options.HostPort,
		TimeoutText: cmd.rpcTimeoutText,
		RPCTimeout:  cmd.rpcTimeout,
		TLS:         temporalconn.TLS(options),
	}
	c, err := r.dial(ctx, options)
	if err != nil {
		return nil, server, send.MapDialError(err, ctx.Err(), send.Request{Server: server, Verb: cmd.verb})
	}
	return c, server, nil
}

// cliIdentity is what a request of the command line records as who acted:
// --identity (or a batch job's "identity"), else PID@HOST.
func cliIdentity(cmd *command) string {
	return identity.CLIRecorded(cmd.identity.value, cmd.identity.set, cmd.idempotencyKey.value)
}

// isTerminal reports whether w is a terminal, where a progress line that
// rewrites itself makes sense.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
