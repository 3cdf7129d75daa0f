package lines

import "fmt"

// The usage rows (exit 2) of the page: a command line that cannot be used,
// found before anything is read or sent.

// NoActivity: no arguments at all, or a verb without a target.
func NoActivity() *Failure {
	return usage("no Activity given: pass --tasktoken HEX, or --workflow-id ID with --activity-id ID (see --help)")
}

// UnknownCommand: a first argument that is no verb.
func UnknownCommand(arg string) *Failure {
	return usage(fmt.Sprintf("unknown command \"%s\": use complete, fail, heartbeat, cancel, inspect, list, serve or link (see --help)", Shorten(arg)))
}

// UnknownOption: an option that no verb takes, or that this verb does not
// take. name is given without its dashes.
func UnknownOption(name string) *Failure {
	return usage(fmt.Sprintf("unknown option \"--%s\": see --help", name))
}

// NeedsValue: an option given last, without its value.
func NeedsValue(name string) *Failure {
	return usage(fmt.Sprintf("option \"--%s\" needs a value", name))
}

// SwitchTakesNoValue: --retryable=X with X neither true nor false (the page
// has no row for it; Go's flag syntax allows the form).
func SwitchTakesNoValue(name string) *Failure {
	return usage(fmt.Sprintf("option \"--%s\" does not take a value", name))
}

// UnexpectedArgument: a positional argument after the verb.
func UnexpectedArgument(arg string) *Failure {
	return usage(fmt.Sprintf("unexpected argument \"%s\": options take the form --name VALUE (see --help)", Shorten(arg)))
}

// BadRPCTimeout: an --rpc-timeout that is not a duration.
func BadRPCTimeout(text string) *Failure {
	return usage(fmt.Sprintf("--rpc-timeout \"%s\" is not a duration: use for example 10s, 500ms or 1m", text))
}

// BadConcurrency: a --concurrency out of its range.
func BadConcurrency(text string, limit int) *Failure {
	return usage(fmt.Sprintf("--concurrency \"%s\" must be a whole number from 1 to %d", text, limit))
}

// BadPageSize: a list --page-size out of its range.
func BadPageSize(text string, limit int) *Failure {
	return usage(fmt.Sprintf("--page-size \"%s\" must be a whole number from 1 to %d", text, limit))
}

// TokenAndIDs: both a token and IDs.
func TokenAndIDs() *Failure {
	return usage("give either --tasktoken or --workflow-id with --activity-id, not both")
}

// BatchAndTarget: --batch with a token or IDs.
func BatchAndTarget() *Failure {
	return usage("give either --batch or an Activity (--tasktoken or --workflow-id with --activity-id), not both")
}

// WorkflowIDAndQuery: list with both scopes.
func WorkflowIDAndQuery() *Failure {
	return usage("give either --workflow-id or --query, not both")
}

// WorkflowIDAlone: --workflow-id without --activity-id.
func WorkflowIDAlone() *Failure {
	return usage("--workflow-id needs --activity-id too: it is on the token line in the Worker's log")
}

// RunIDAlone: --run-id without --activity-id (--activity-id alone names a
// standalone Activity).
func RunIDAlone() *Failure {
	return usage("--run-id needs --activity-id too: it is on the token line in the Worker's log")
}

// ResultAndFile: --result with --result-file.
func ResultAndFile() *Failure {
	return usage("give either --result or --result-file, not both")
}

// CannotReadResultFile: the result file cannot be read; reason is the OS's.
func CannotReadResultFile(path, reason string) *Failure {
	return usage(fmt.Sprintf("cannot read the result file \"%s\": %s", path, reason))
}

// ResultFileNotUTF8: the result file is not UTF-8 text.
func ResultFileNotUTF8(path string) *Failure {
	return usage(fmt.Sprintf("the result file \"%s\" is not UTF-8 text", path))
}

// CannotReadBatchFile: the batch file cannot be read; reason is the OS's.
func CannotReadBatchFile(path, reason string) *Failure {
	return usage(fmt.Sprintf("cannot read the batch file \"%s\": %s", path, reason))
}

// FailNeedsReason: fail without a reason, or a fail job left without one.
func FailNeedsReason() *Failure {
	return usage("fail needs --reason TEXT: say why the Activity failed")
}

// InspectNeedsToken: inspect without --tasktoken.
func InspectNeedsToken() *Failure {
	return usage("inspect needs --tasktoken HEX: it decodes a token offline and contacts no server")
}

// PayloadTooLarge: a result or details larger than the server's blob size
// limit once encoded. what is "result" or "details".
func PayloadTooLarge(what string, size, limit int) *Failure {
	return usage(fmt.Sprintf("the %s is %d bytes once encoded, more than the %d bytes the server accepts (its blob size limit): send a smaller %s, or a reference to where the data is",
		what, size, limit, what))
}

// The token rows: the texts of the task token's errors (package tasktoken).
const (
	TokenEmpty    = "the task token is empty: copy the taskToken= value from the Worker's log"
	TokenBase64   = "the task token looks like base64, but hex is expected: copy the taskToken= value from the Worker's log"
	TokenNotToken = "the task token is not a Temporal task token (was it cut short?): copy the whole taskToken= value from the Worker's log"
)

// TokenNotHex names the first character of a token that is not a hex digit,
// as it was typed (plain quotes, no escaping), and its 1-based position.
func TokenNotHex(char string, position int) string {
	return fmt.Sprintf("the task token is not hex: \"%s\" at position %d is not 0-9 or a-f; copy the taskToken= value from the Worker's log",
		char, position)
}

// TokenOddLength: half a byte is missing.
func TokenOddLength(digits int) string {
	return fmt.Sprintf("the task token has an odd number of hex digits (%d): it was cut short; copy the whole taskToken= value from the Worker's log",
		digits)
}
