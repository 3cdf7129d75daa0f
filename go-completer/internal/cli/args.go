package cli

import (
	"errors"
	"flag"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/async-completion/go-completer/internal/lines"
	"github.com/async-completion/go-completer/internal/temporalconn"
)

// The verbs of the completer.
const (
	verbComplete  = "complete"
	verbFail      = "fail"
	verbHeartbeat = "heartbeat"
	verbCancel    = "cancel"
	verbInspect   = "inspect"
)

// DefaultConcurrency is the --concurrency of a batch when none is given, and
// maxConcurrency the largest accepted.
const (
	DefaultConcurrency = "32"
	maxConcurrency     = 1000
)

// optionalText is a text option that remembers whether it was given at all, so
// that `--details ""` differs from no --details and `--tasktoken ""` is an
// empty token rather than no token.
type optionalText struct {
	value string
	set   bool
}

func (o *optionalText) String() string { return o.value }

func (o *optionalText) Set(value string) error {
	o.value = value
	o.set = true
	return nil
}

// command is one parsed and checked invocation.
type command struct {
	verb string
	help bool

	taskToken  optionalText
	workflowID string
	activityID string
	runID      string

	// result is the text to send: --result, or the content of --result-file.
	result     string
	resultFlag optionalText
	resultFile optionalText
	reason     string
	retryable  bool
	details    optionalText

	address        string
	namespace      string
	rpcTimeoutText string
	rpcTimeout     time.Duration

	// batch is --batch FILE (- for standard input): many jobs, one per line.
	batch           optionalText
	concurrencyText string
	concurrency     int
}

// flagSet builds the options that verb takes, and only those: any other option
// is unknown to it.
func (c *command) flagSet(verb string) *flag.FlagSet {
	fs := flag.NewFlagSet(verb, flag.ContinueOnError)
	// The flag package's own messages and usage are replaced by the CLI page's.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}

	fs.Var(&c.taskToken, "tasktoken", "the task token from the Worker's log, as hex; - reads it from standard input")
	fs.Var(&c.taskToken, "task-token", "alias of --tasktoken")
	if verb == verbInspect {
		return fs
	}
	fs.StringVar(&c.workflowID, "workflow-id", "", "the Workflow ID, to address the Activity by IDs")
	fs.StringVar(&c.activityID, "activity-id", "", "the Activity ID, with --workflow-id")
	fs.StringVar(&c.runID, "run-id", "", "the Workflow run ID (optional, with --workflow-id)")
	fs.StringVar(&c.address, "address", "", "the Temporal server, HOST:PORT")
	fs.StringVar(&c.namespace, "namespace", "", "the Temporal namespace")
	fs.StringVar(&c.rpcTimeoutText, "rpc-timeout", DefaultRPCTimeout, "bound on connecting plus the request")
	switch verb {
	case verbComplete:
		fs.Var(&c.resultFlag, "result", "the Activity's result, a text")
		fs.Var(&c.resultFile, "result-file", "a file whose content, UTF-8 text, is the result")
	case verbFail:
		fs.StringVar(&c.reason, "reason", "", "the failure's message (required)")
		fs.BoolVar(&c.retryable, "retryable", false, "record a retryable failure")
	}
	switch verb {
	case verbComplete, verbFail:
		fs.Var(&c.batch, "batch", "a file of jobs, one per line; - reads standard input")
		fs.StringVar(&c.concurrencyText, "concurrency", DefaultConcurrency, "requests in flight at most, with --batch")
	}
	switch verb {
	case verbHeartbeat, verbCancel:
		fs.Var(&c.details, "details", "heartbeat or cancellation details, a text")
	}
	return fs
}

// parseArgs reads the arguments (without the program name) into a checked
// command. It finds every usage error before anything is sent or read from
// standard input.
func parseArgs(args []string) (*command, error) {
	if len(args) == 0 {
		return nil, lines.NoActivity()
	}
	verb := verbComplete
	if !strings.HasPrefix(args[0], "-") {
		verb = args[0]
		args = args[1:]
		switch verb {
		case verbComplete, verbFail, verbHeartbeat, verbCancel, verbInspect:
		default:
			return nil, lines.UnknownCommand(verb)
		}
	}

	c := &command{verb: verb, rpcTimeoutText: DefaultRPCTimeout, concurrencyText: DefaultConcurrency}
	fs := c.flagSet(verb)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			c.help = true
			return c, nil
		}
		return nil, flagError(err)
	}
	if rest := fs.Args(); len(rest) > 0 {
		return nil, lines.UnexpectedArgument(rest[0])
	}

	if verb != verbInspect {
		timeout, err := ParseRPCTimeout(c.rpcTimeoutText)
		if err != nil {
			return nil, lines.BadRPCTimeout(c.rpcTimeoutText)
		}
		c.rpcTimeout = timeout
	}
	concurrency, ok := parseConcurrency(c.concurrencyText)
	if !ok {
		return nil, lines.BadConcurrency(c.concurrencyText, maxConcurrency)
	}
	c.concurrency = concurrency

	if err := c.checkTarget(); err != nil {
		return nil, err
	}
	// In a batch each job may bring its own reason; a job left without one is
	// reported as malformed.
	if verb == verbFail && c.reason == "" && !c.batch.set {
		return nil, lines.FailNeedsReason()
	}
	if c.resultFlag.set && c.resultFile.set {
		return nil, lines.ResultAndFile()
	}
	c.result = c.resultFlag.value
	return c, nil
}

// parseConcurrency reads --concurrency: ASCII digits only (no sign, no spaces),
// a value from 1 to maxConcurrency.
func parseConcurrency(text string) (int, bool) {
	if text == "" || strings.TrimLeft(text, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(text)
	if err != nil || n < 1 || n > maxConcurrency {
		return 0, false
	}
	return n, true
}

// flagError turns an error of the flag package into the CLI page's line. The
// flag package reports errors as text only; the prefixes below are its
// messages (go/src/flag/flag.go), and the tests pin each of them.
func flagError(err error) *lines.Failure {
	text := err.Error()
	if name, ok := strings.CutPrefix(text, "flag provided but not defined: "); ok {
		return lines.UnknownOption(strings.TrimLeft(name, "-"))
	}
	if name, ok := strings.CutPrefix(text, "flag needs an argument: "); ok {
		return lines.NeedsValue(strings.TrimLeft(name, "-"))
	}
	if arg, ok := strings.CutPrefix(text, "bad flag syntax: "); ok {
		name, _, _ := strings.Cut(arg, "=")
		return lines.UnknownOption(strings.TrimLeft(name, "-"))
	}
	if strings.HasPrefix(text, "invalid boolean value ") {
		// --retryable is the only switch, and takes no value but true or false.
		return lines.SwitchTakesNoValue("retryable")
	}
	// Unreachable with the options above; a usage error all the same.
	return &lines.Failure{Code: lines.ExitUsage, Message: lines.OneLine(text)}
}

// connectionFlags are the command's options for package temporalconn.
func (c *command) connectionFlags() temporalconn.Flags {
	return temporalconn.Flags{Address: c.address, Namespace: c.namespace, RPCTimeout: c.rpcTimeout}
}
