// Package lines holds every line the completer prints and every outcome it
// answers with: the words of docs/completer-cli.md, in one place, so that the
// Go and the Python completer can be compared with the page line by line.
// Nothing else in the completer composes wording for its user.
//
// A failure is a *Failure: the exit code of the page's table and the line to
// print after "error: ". The functions here are named after the rows.
package lines

import (
	"errors"
	"io/fs"
	"strings"
)

// Exit codes of the project contract (shared/DESIGN.md).
const (
	ExitOK          = 0
	ExitFailure     = 1
	ExitUsage       = 2
	ExitRefused     = 3
	ExitUnreachable = 4
	ExitCancelled   = 5
)

// Failure is a row of the page's failure tables: the exit code and the line
// that follows "error: ".
type Failure struct {
	Code    int
	Message string
}

func (f *Failure) Error() string { return f.Message }

func usage(message string) *Failure {
	return &Failure{Code: ExitUsage, Message: message}
}

func refused(message string) *Failure {
	return &Failure{Code: ExitRefused, Message: message}
}

// Other is the page's last row, "anything else": exit 1 with the error's own
// words on one line.
func Other(err error) *Failure {
	return &Failure{Code: ExitFailure, Message: OneLine(err.Error())}
}

// AsFailure is err's row: the *Failure it wraps, or else Other(err).
func AsFailure(err error) *Failure {
	var failure *Failure
	if errors.As(err, &failure) {
		return failure
	}
	return Other(err)
}

// Prefix starts every line on standard error that reports a failure.
const Prefix = "error: "

// OneLine keeps a message on the one line that a failure may print.
func OneLine(message string) string {
	return strings.Join(strings.Fields(message), " ")
}

// Shorten keeps an argument that is echoed back short: it may be a task token
// pasted in the wrong place, and a token is never printed.
func Shorten(arg string) string {
	runes := []rune(arg)
	if len(runes) <= 16 {
		return arg
	}
	return string(runes[:8]) + "…"
}

// OSReason is the operating system's words for why a file could not be read
// or written, without the operation and path that Go puts in front.
func OSReason(err error) string {
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		return OneLine(pathErr.Err.Error())
	}
	return OneLine(err.Error())
}
