package cli

import (
	"errors"
	"flag"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/async-completion/go-completer/internal/identity"
	"github.com/async-completion/go-completer/internal/lines"
	"github.com/async-completion/go-completer/internal/send"
	"github.com/async-completion/go-completer/internal/temporalconn"
)

// The verbs of the completer.
const (
	verbComplete  = send.Complete
	verbFail      = send.Fail
	verbHeartbeat = send.Heartbeat
	verbCancel    = send.Cancel
	verbInspect   = "inspect"
	verbList      = "list"
)

// DefaultConcurrency is the --concurrency of a batch or a list when none is
// given, and maxConcurrency the largest accepted.
const (
	DefaultConcurrency = "64"
	maxConcurrency     = 1000
)

// defaultPageSize is list's --page-size when none is given: the most that
// servers give in one visibility page.
const (
	defaultPageSize = "1000"
	maxPageSize     = 1000
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

	// identity is who acted (the ACTOR of the recorded identity), and
	// idempotencyKey tells a repeat of the request; a batch job's own win.
	identity       optionalText
	idempotencyKey optionalText

	address        string
	namespace      string
	rpcTimeoutText string
	rpcTimeout     time.Duration

	// batch is --batch FILE (- for standard input): many jobs, one per line.
	batch           optionalText
	concurrencyText string
	concurrency     int
	// metricsFile is --metrics-file FILE: a batch's counters, written at its end.
	metricsFile optionalText

	// list's scope and output.
	query        optionalText
	json         bool
	noInput      bool
	pageSizeText string
	pageSize     int
}

// flagSet builds the options that verb takes, and only those: any other option
// is unknown to it.
func (c *command) flagSet(verb string) *flag.FlagSet {
	fs := flag.NewFlagSet(verb, flag.ContinueOnError)
	// The flag package's own messages and usage are replaced by the CLI page's.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}

	if verb == verbList {
		// list finds Activities rather than naming one: no target options.
		fs.StringVar(&c.workflowID, "workflow-id", "", "that Workflow only")
		fs.Var(&c.query, "query", "a visibility query instead of the default")
		fs.BoolVar(&c.json, "json", false, "one JSON line per pending Activity")
		fs.BoolVar(&c.noInput, "no-input", false, "leave the histories unread")
		fs.StringVar(&c.concurrencyText, "concurrency", DefaultConcurrency, "describes in flight at most")
		fs.StringVar(&c.pageSizeText, "page-size", defaultPageSize, "Workflows per visibility page")
		c.connectionOptions(fs)
		return fs
	}
	fs.Var(&c.taskToken, "tasktoken", "the task token from the Worker's log, as hex; - reads it from standard input")
	fs.Var(&c.taskToken, "task-token", "alias of --tasktoken")
	if verb == verbInspect {
		return fs
	}
	fs.StringVar(&c.workflowID, "workflow-id", "", "the Workflow ID, to address the Activity by IDs")
	fs.StringVar(&c.activityID, "activity-id", "", "the Activity ID; alone, a standalone Activity")
	fs.StringVar(&c.runID, "run-id", "", "the Workflow run ID (optional, with --workflow-id)")
	c.connectionOptions(fs)
	switch verb {
	case verbComplete:
		c.completeOptions(fs)
		c.batchOptions(fs)
	case verbFail:
		c.failOptions(fs)
		c.batchOptions(fs)
	case verbHeartbeat:
		c.heartbeatOptions(fs)
	case verbCancel:
		c.cancelOptions(fs)
	}
	fs.Var(&c.identity, "identity", "who acted, recorded in the history")
	fs.Var(&c.idempotencyKey, "idempotency-key", "a key that tells a repeat of this request")
	return fs
}

func (c *command) connectionOptions(fs *flag.FlagSet) {
	fs.StringVar(&c.address, "address", "", "the Temporal server, HOST:PORT")
	fs.StringVar(&c.namespace, "namespace", "", "the Temporal namespace")
	fs.StringVar(&c.rpcTimeoutText, "rpc-timeout", DefaultRPCTimeout, "bound on connecting plus each request")
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
		case verbComplete, verbFail, verbHeartbeat, verbCancel, verbInspect, verbList:
		default:
			return nil, lines.UnknownCommand(verb)
		}
	}

	c := &command{verb: verb, rpcTimeoutText: DefaultRPCTimeout, concurrencyText: DefaultConcurrency, pageSizeText: defaultPageSize}
	help, err := parseFlags(c.flagSet(verb), verb, args)
	if err != nil {
		return nil, err
	}
	if help {
		c.help = true
		return c, nil
	}

	if verb != verbInspect {
		if err := c.parseRPCTimeout(); err != nil {
			return nil, err
		}
	}
	concurrency, ok := parseWholeNumber(c.concurrencyText, maxConcurrency)
	if !ok {
		return nil, lines.BadConcurrency(c.concurrencyText, maxConcurrency)
	}
	c.concurrency = concurrency
	pageSize, ok := parseWholeNumber(c.pageSizeText, maxPageSize)
	if !ok {
		return nil, lines.BadPageSize(c.pageSizeText, maxPageSize)
	}
	c.pageSize = pageSize
	if verb == verbList {
		if c.workflowID != "" && c.query.set {
			return nil, lines.WorkflowIDAndQuery()
		}
		return c, nil
	}

	if err := c.checkTarget(); err != nil {
		return nil, err
	}
	// In a batch each job may bring its own reason; a job left without one is
	// reported as malformed.
	if verb == verbFail && c.reason == "" && !c.batch.set {
		return nil, lines.FailNeedsReason()
	}
	if c.metricsFile.set && !c.batch.set {
		return nil, lines.MetricsFileNeedsBatch()
	}
	if c.resultFlag.set && c.resultFile.set {
		return nil, lines.ResultAndFile()
	}
	if c.identity.set && !identity.Valid(c.identity.value) {
		return nil, lines.BadIdentity()
	}
	if c.idempotencyKey.set && !identity.ValidKey(c.idempotencyKey.value) {
		return nil, lines.BadIdempotencyKey()
	}
	c.result = c.resultFlag.value
	return c, nil
}

// parseWholeNumber reads --concurrency or --page-size: ASCII digits only (no
// sign, no spaces), a value from 1 to limit.
func parseWholeNumber(text string, limit int) (int, bool) {
	if text == "" || strings.TrimLeft(text, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(text)
	if err != nil || n < 1 || n > limit {
		return 0, false
	}
	return n, true
}

// flagError turns an error of the flag package into the CLI page's line. The
// flag package reports errors as text only; the prefixes below are its
// messages (go/src/flag/flag.go), and the tests pin each of them.
// parseFlags parses args into fs as every verb does: whether help was asked
// for, else the first fault of the command line in the page's words, a stray
// positional argument included.
func parseFlags(fs *flag.FlagSet, verb string, args []string) (help bool, err error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return true, nil
		}
		return false, flagError(verb, err)
	}
	if rest := fs.Args(); len(rest) > 0 {
		return false, lines.UnexpectedArgument(rest[0])
	}
	return false, nil
}

// parseRPCTimeout reads --rpc-timeout into c.rpcTimeout.
func (c *command) parseRPCTimeout() error {
	timeout, err := ParseRPCTimeout(c.rpcTimeoutText)
	if err != nil {
		return lines.BadRPCTimeout(c.rpcTimeoutText)
	}
	c.rpcTimeout = timeout
	return nil
}

func flagError(verb string, err error) *lines.Failure {
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
		// A verb has one switch at most, which takes no value but true or
		// false. (The message quotes the value, which may be anything: the
		// verb names the switch more surely.)
		if verb == verbList {
			return lines.SwitchTakesNoValue("json")
		}
		return lines.SwitchTakesNoValue("retryable")
	}
	// Unreachable with the options above; a usage error all the same.
	return &lines.Failure{Code: lines.ExitUsage, Message: lines.OneLine(text)}
}

// connectionFlags are the command's options for package temporalconn.
func (c *command) connectionFlags() temporalconn.Flags {
	return temporalconn.Flags{Address: c.address, Namespace: c.namespace, RPCTimeout: c.rpcTimeout}
}
