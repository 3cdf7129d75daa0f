package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// The verbs of the completer.
const (
	verbComplete  = "complete"
	verbFail      = "fail"
	verbHeartbeat = "heartbeat"
	verbCancel    = "cancel"
	verbInspect   = "inspect"
)

// Messages of the CLI page for arguments that cannot be used.
const (
	msgNoActivity       = "no Activity given: pass --tasktoken HEX, or --workflow-id ID with --activity-id ID (see --help)"
	msgTokenAndIDs      = "give either --tasktoken or --workflow-id with --activity-id, not both"
	msgWorkflowIDAlone  = "--workflow-id needs --activity-id too: it is on the token line in the Worker's log"
	msgActivityIDAlone  = "--activity-id needs --workflow-id too: it is on the token line in the Worker's log"
	msgFailNeedsReason  = "fail needs --reason TEXT: say why the Activity failed"
	msgInspectNeedToken = "inspect needs --tasktoken HEX: it decodes a token offline and contacts no server"
	msgBatchAndTarget   = "give either --batch or an Activity (--tasktoken or --workflow-id with --activity-id), not both"
	msgResultAndFile    = "give either --result or --result-file, not both"
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

// byIDs reports whether the command addresses the Activity by its IDs rather
// than by a token.
func (c *command) byIDs() bool {
	return !c.taskToken.set
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
		return nil, usageError(msgNoActivity)
	}
	verb := verbComplete
	if !strings.HasPrefix(args[0], "-") {
		verb = args[0]
		args = args[1:]
		switch verb {
		case verbComplete, verbFail, verbHeartbeat, verbCancel, verbInspect:
		default:
			return nil, usageError(fmt.Sprintf("unknown command \"%s\": use complete, fail, heartbeat, cancel or inspect (see --help)", shorten(verb)))
		}
	}

	c := &command{verb: verb, rpcTimeoutText: DefaultRPCTimeout, concurrencyText: DefaultConcurrency}
	fs := c.flagSet(verb)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			c.help = true
			return c, nil
		}
		return nil, usageError(flagErrorMessage(err))
	}
	if rest := fs.Args(); len(rest) > 0 {
		return nil, usageError(fmt.Sprintf("unexpected argument \"%s\": options take the form --name VALUE (see --help)", shorten(rest[0])))
	}

	if verb != verbInspect {
		timeout, err := ParseRPCTimeout(c.rpcTimeoutText)
		if err != nil {
			return nil, usageError(fmt.Sprintf("--rpc-timeout \"%s\" is not a duration: use for example 10s, 500ms or 1m", c.rpcTimeoutText))
		}
		c.rpcTimeout = timeout
	}
	concurrency, ok := parseConcurrency(c.concurrencyText)
	if !ok {
		return nil, usageError(fmt.Sprintf("--concurrency \"%s\" must be a whole number from 1 to %d", c.concurrencyText, maxConcurrency))
	}
	c.concurrency = concurrency

	if err := c.checkTarget(); err != nil {
		return nil, err
	}
	// In a batch each job may bring its own reason; a job left without one is
	// reported as malformed.
	if verb == verbFail && c.reason == "" && !c.batch.set {
		return nil, usageError(msgFailNeedsReason)
	}
	if c.resultFlag.set && c.resultFile.set {
		return nil, usageError(msgResultAndFile)
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

// checkTarget checks that the command names one Activity: by token, or by
// Workflow ID and Activity ID.
func (c *command) checkTarget() error {
	hasToken := c.taskToken.set
	hasWorkflowID := c.workflowID != ""
	hasOtherID := c.activityID != "" || c.runID != ""
	if c.batch.set {
		if hasToken || hasWorkflowID || hasOtherID {
			return usageError(msgBatchAndTarget)
		}
		return nil
	}
	switch {
	case c.verb == verbInspect && !hasToken:
		return usageError(msgInspectNeedToken)
	case !hasToken && !hasWorkflowID && !hasOtherID:
		return usageError(msgNoActivity)
	case hasToken && (hasWorkflowID || hasOtherID):
		return usageError(msgTokenAndIDs)
	case hasWorkflowID && c.activityID == "":
		return usageError(msgWorkflowIDAlone)
	case !hasToken && !hasWorkflowID:
		return usageError(msgActivityIDAlone)
	}
	return nil
}

// flagErrorMessage turns an error of the flag package into the CLI page's
// message. The flag package reports errors as text only; the prefixes below
// are its messages (go/src/flag/flag.go), and the tests pin each of them.
func flagErrorMessage(err error) string {
	text := err.Error()
	if name, ok := strings.CutPrefix(text, "flag provided but not defined: "); ok {
		return unknownOption(name)
	}
	if name, ok := strings.CutPrefix(text, "flag needs an argument: "); ok {
		return fmt.Sprintf("option \"--%s\" needs a value", strings.TrimLeft(name, "-"))
	}
	if arg, ok := strings.CutPrefix(text, "bad flag syntax: "); ok {
		name, _, _ := strings.Cut(arg, "=")
		return unknownOption(name)
	}
	if strings.HasPrefix(text, "invalid boolean value ") {
		// --retryable is the only switch, and takes no value but true or false.
		return "option \"--retryable\" does not take a value"
	}
	return text
}

func unknownOption(name string) string {
	return fmt.Sprintf("unknown option \"--%s\": see --help", strings.TrimLeft(name, "-"))
}

// shorten keeps an argument that is echoed back in an error message short: it
// may be a task token pasted in the wrong place, and a token is never printed.
func shorten(arg string) string {
	runes := []rune(arg)
	if len(runes) <= 16 {
		return arg
	}
	return string(runes[:8]) + "…"
}
