package lines

import "fmt"

// The words of "The recorded identity" (docs/completer-cli.md): who acted, as
// every request records it in the history event that closes the Activity,
// and the rows of options and job keys that name it.

// Identity is the identity a request records: `ACTOR via go-completer
// SURFACE@HOST[ key=KEY]`. surface is "cli" or "serve"; key is the request's
// idempotency key, empty for none.
func Identity(actor, surface, host, key string) string {
	identity := fmt.Sprintf("%s via go-completer %s@%s", actor, surface, host)
	if key != "" {
		identity += " key=" + key
	}
	return identity
}

// DefaultActor is the CLI's ACTOR without --identity: the SDKs' default
// identity, PID@HOST.
func DefaultActor(pid int, host string) string {
	return fmt.Sprintf("%d@%s", pid, host)
}

// UnauthenticatedActor is the ACTOR of a request to a loopback serve without
// credentials: the name the job gives itself, or anonymous.
func UnauthenticatedActor(name string) string {
	if name == "" {
		name = "anonymous"
	}
	return name + " (unauthenticated)"
}

// LinkActor is the ACTOR of a signed link's action: who the link is for.
func LinkActor(name string) string {
	return name + " (link)"
}

// BadIdentity: --identity that is empty, too long, or holds a control
// character.
func BadIdentity() *Failure {
	return usage("--identity must be 1 to 128 characters without control characters")
}

// BadIdempotencyKey: --idempotency-key that is not 1 to 128 printable ASCII
// characters without spaces.
func BadIdempotencyKey() *Failure {
	return usage("--idempotency-key must be 1 to 128 printable ASCII characters without spaces")
}

// JobBadIdentity and JobBadIdempotencyKey: the same faults in a JSON job.
func JobBadIdentity() *Failure {
	return NotAJob(`"identity" must be 1 to 128 characters without control characters`)
}

// JobBadIdempotencyKey: see JobBadIdentity.
func JobBadIdempotencyKey() *Failure {
	return NotAJob(`"idempotency_key" must be 1 to 128 printable ASCII characters without spaces`)
}

// The 400 answers of serve's Idempotency-Key header, and of GET
// /v1/identity's name.
const (
	BadNameParameter = "the name must be 1 to 128 characters without control characters"
	KeyHeaderBad     = "the Idempotency-Key header must be 1 to 128 printable ASCII characters without spaces"
	KeysDiffer       = `the Idempotency-Key header and the body's "idempotency_key" differ: send one`
)
