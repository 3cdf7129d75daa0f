// Package cli is the Go completer's command line: it completes, fails,
// heartbeats or cancels an Activity that the Worker left to complete
// asynchronously, or decodes its task token offline. docs/completer-cli.md is
// its specification, word for word; the Python completer follows the same page.
package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/async-completion/go-completer/internal/tasktoken"
)

// Run runs the completer with args (without the program name) and returns the
// exit code. It prints one line to stdout on success, and one line starting
// "error: " to stderr on failure, whatever the input.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	r := &runner{stdin: stdin, stdout: stdout, stderr: stderr, dial: dialTemporal, progress: isTerminal(stderr)}
	return r.run(args)
}

type runner struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	dial   dialFunc
	// progress is whether a batch shows its progress on stderr: only when
	// stderr is a terminal.
	progress bool
}

func (r *runner) run(args []string) (code int) {
	// No input may end in a panic's trace; a bug still ends in one error line.
	defer func() {
		if recovered := recover(); recovered != nil {
			fmt.Fprintln(r.stderr, "error: "+oneLine(fmt.Sprintf("internal error: %v", recovered)))
			code = ExitFailure
		}
	}()

	if err := r.execute(args); err != nil {
		exitErr := &ExitError{Code: ExitFailure, Message: oneLine(err.Error())}
		errors.As(err, &exitErr)
		fmt.Fprintln(r.stderr, "error: "+exitErr.Message)
		return exitErr.Code
	}
	return ExitOK
}

func (r *runner) execute(args []string) error {
	cmd, err := parseArgs(args)
	if err != nil {
		return err
	}
	if cmd.help {
		_, err := io.WriteString(r.stdout, helpText(cmd.verb, len(args) > 0 && strings.HasPrefix(args[0], "-")))
		return err
	}
	if cmd.batch.set {
		return r.runBatch(cmd)
	}

	var token *tasktoken.Token
	if cmd.taskToken.set {
		text := cmd.taskToken.value
		if text == "-" {
			if text, err = readFirstLine(r.stdin); err != nil {
				return err
			}
		}
		if token, err = tasktoken.Parse(text); err != nil {
			return &ExitError{Code: ExitUsage, Message: err.Error()}
		}
	}

	if cmd.verb == verbInspect {
		out, err := tasktoken.InspectJSON(token.Task)
		if err != nil {
			return err
		}
		_, err = r.stdout.Write(out)
		return err
	}

	if cmd.resultFile.set {
		if cmd.result, err = readResultFile(cmd.resultFile.value); err != nil {
			return err
		}
	}
	switch {
	case cmd.verb == verbComplete:
		err = checkPayloadSize("result", cmd.result)
	case cmd.details.set:
		err = checkPayloadSize("details", cmd.details.value)
	}
	if err != nil {
		return err
	}

	desc, workflowID := describe(cmd, token)
	options, err := clientOptions(cmd)
	if err != nil {
		return err
	}
	req := newRequest(cmd, options)
	req.desc = desc
	req.workflowID = workflowID

	// One deadline bounds connecting and the request together, so a completer
	// facing a server that is down or stuck ends within --rpc-timeout.
	ctx, cancel := context.WithTimeout(context.Background(), cmd.rpcTimeout)
	defer cancel()
	c, err := r.dial(ctx, options)
	if err != nil {
		return mapDialError(err, ctx.Err(), req)
	}
	defer c.Close()
	if err := send(ctx, c, cmd, token, options.Namespace); err != nil {
		return mapRequestError(err, ctx.Err(), req)
	}
	_, err = fmt.Fprintln(r.stdout, successLine(cmd, desc))
	return err
}

// describe names the Activity a command is for, and its Workflow ID.
func describe(cmd *command, token *tasktoken.Token) (desc, workflowID string) {
	if token != nil {
		return token.Describe(), token.Task.GetWorkflowId()
	}
	return fmt.Sprintf("Activity \"%s\" of Workflow \"%s\"", cmd.activityID, cmd.workflowID), cmd.workflowID
}

// readResultFile reads --result-file: its content is the result, unchanged,
// and must be UTF-8 text.
func readResultFile(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", usageError(fmt.Sprintf("cannot read the result file \"%s\": %s", path, osReason(err)))
	}
	if !utf8.Valid(data) {
		return "", usageError(fmt.Sprintf("the result file \"%s\" is not UTF-8 text", path))
	}
	return string(data), nil
}

// osReason is the operating system's words for why a file could not be read,
// without the operation and path that Go puts in front.
func osReason(err error) string {
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		return oneLine(pathErr.Err.Error())
	}
	return oneLine(err.Error())
}

// readFirstLine reads the token from standard input: its first line, so that
// the token never shows in the process list.
func readFirstLine(stdin io.Reader) (string, error) {
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("could not read the task token from standard input: %w", err)
	}
	return line, nil
}
