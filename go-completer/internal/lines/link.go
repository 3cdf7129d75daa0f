package lines

import "fmt"

// The words of signed action links: the `link` verb's rows
// (docs/completer-cli.md, "Signed action links: `link`"), the link key
// file's, and the pages serve answers a link with (docs/completer-http.md,
// "Signed links").

// BadAction: --action missing, or neither approve nor reject.
func BadAction() *Failure { return usage("--action must be approve or reject") }

// TextForOtherAction: --result with reject, or --reason with approve.
func TextForOtherAction() *Failure {
	return usage("--result goes with --action approve, --reason with --action reject")
}

// RejectNeedsReason: reject without --reason.
func RejectNeedsReason() *Failure { return usage("--action reject needs --reason TEXT: say why") }

// LinkTextTooLong: a result or reason over 500 bytes.
func LinkTextTooLong() *Failure {
	return usage("a link's result or reason is at most 500 bytes of UTF-8: link to the data instead")
}

// BadFor: --for that is not 1 to 64 of A-Za-z0-9._@-.
func BadFor() *Failure { return usage("--for must be 1 to 64 of A-Z a-z 0-9 . _ @ -") }

// BadExpires: --expires that is not a duration up to 365d.
func BadExpires(value string) *Failure {
	return usage(fmt.Sprintf("--expires \"%s\" is not a duration: use for example 90m, 72h or 7d (at most 365d)", value))
}

// BadExpiresAt: --expires-at that is not a future RFC 3339 time.
func BadExpiresAt(value string) *Failure {
	return usage(fmt.Sprintf("--expires-at \"%s\" is not a future RFC 3339 time, such as 2026-12-06T09:00:00Z", value))
}

// BothExpires: --expires with --expires-at.
func BothExpires() *Failure { return usage("give either --expires or --expires-at, not both") }

// BadBaseURL: --base-url that is not an http:// or https:// URL without a
// query.
func BadBaseURL(value string) *Failure {
	return usage(fmt.Sprintf("--base-url \"%s\" is not an http:// or https:// URL without a query", value))
}

// LinkNeedsURLAndKey: link without --base-url or --link-key-file.
func LinkNeedsURLAndKey() *Failure {
	return usage("link needs --base-url URL and --link-key-file FILE")
}

// CannotReadLinkKey: the link key file cannot be read; reason is the OS's.
func CannotReadLinkKey(file, reason string) *Failure {
	return usage(fmt.Sprintf("cannot read the link key file \"%s\": %s", file, reason))
}

// LinkKeyTooShort: the key on line number (1, or 2 for the previous key) is
// shorter than 32 bytes.
func LinkKeyTooShort(number int, file string) *Failure {
	return usage(fmt.Sprintf("the link key on line %d of \"%s\" is shorter than 32 bytes: make one with openssl rand -hex 32", number, file))
}

// LinkKeyReadable is the warning, a whole line on standard error, for a link
// key file that users other than its owner can read.
func LinkKeyReadable(file string) string {
	return fmt.Sprintf("warning: the link key file \"%s\" can be read by other users: chmod 600 %s", file, file)
}

// The TITLEs and MESSAGEs of the link pages.
const (
	TitleBadLink     = "This link is not valid"
	BadLink          = "This link is not valid."
	TitleExpired     = "This link has expired"
	TitleCannotAct   = "This link can no longer act"
	TitleUnreachable = "Temporal cannot be reached"
	// TitleError is the page of a failure that the contract has no row for.
	TitleError = "Something went wrong"
)

// LinkExpired: the link expired at when (RFC 3339).
func LinkExpired(when string) string { return fmt.Sprintf("This link expired at %s.", when) }

// LinkOtherNamespace: a link for another namespace than serve's.
func LinkOtherNamespace(namespace, served string) string {
	return fmt.Sprintf("This link is for namespace \"%s\"; this server acts in \"%s\".", namespace, served)
}

// LinkActionWord is Approve or Reject, as the page names the action.
func LinkActionWord(approve bool) string {
	if approve {
		return "Approve"
	}
	return "Reject"
}

// LinkTextLabel is what the page calls the link's text: Result or Reason.
func LinkTextLabel(approve bool) string {
	if approve {
		return "Result"
	}
	return "Reason"
}

// ConfirmTitle is the confirmation's TITLE: Approve? or Reject?
func ConfirmTitle(approve bool) string { return LinkActionWord(approve) + "?" }

// Confirm is the confirmation's MESSAGE.
func Confirm(desc string, approve bool) string {
	action := "reject"
	if approve {
		action = "approve"
	}
	return fmt.Sprintf("%s is pending: press the button to %s it.", desc, action)
}

// ConfirmForm is the confirmation's FORM: one button that POSTs to the same
// URL.
func ConfirmForm(approve bool) string {
	return fmt.Sprintf(`<form method="post"><button type="submit">%s</button></form>`, LinkActionWord(approve))
}

// DoneTitle is the TITLE once the link acted: Approved or Rejected.
func DoneTitle(approve bool) string {
	if approve {
		return "Approved"
	}
	return "Rejected"
}

// RetriedAndPending is the REASON of an attempt that was retried, the
// Activity pending at attempt pending now.
func RetriedAndPending(attempt, pending int64) string {
	return fmt.Sprintf("attempt %d was retried: attempt %d is pending now; its token is in the Worker's log", attempt, pending)
}
