package lines

// The words of "The recorded identity" (docs/completer-cli.md): the rows of
// the options and job keys that name who acted. The recorded identity itself
// is package identity's.

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
