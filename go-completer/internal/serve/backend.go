package serve

import (
	"context"

	"github.com/async-completion/go-completer/internal/model"
	"github.com/async-completion/go-completer/internal/page"
)

// Request is one POST /v1/VERB: the job, and what the request says of who
// sends it.
type Request struct {
	Verb string
	// Job is the body, one JSON object, without white space around it.
	Job string
	// Credential is the NAME of the request's credential; empty on a
	// listener without credentials, where a job may name itself.
	Credential string
	// IdempotencyKey is the Idempotency-Key header as sent, nil without one.
	IdempotencyKey *string
}

// Scope is what GET /v1/pending lists: list's --workflow-id and --query.
type Scope struct {
	WorkflowID string
	Query      string
	// HasQuery is whether query= was given at all (it may be empty).
	HasQuery bool
}

// Backend does what the routes ask of Temporal. Its methods are called from
// many goroutines at once; each bounds its Temporal requests by --rpc-timeout.
type Backend interface {
	// Act checks the request's job as a --batch job of its verb, and sends
	// it.
	Act(ctx context.Context, request Request) model.Outcome
	// Pending is the `list --json` lines of scope, read whole, or the failure
	// that stopped the listing.
	Pending(ctx context.Context, scope Scope) ([]byte, *model.Outcome)
	// Health says whether the Temporal server answers a health check.
	Health(ctx context.Context) model.Outcome
	// Identity is the identity an action sent now would record: the
	// credential's NAME, or without one the name given (nil for none).
	Identity(credential string, name *string) model.Outcome
	// Link checks a signed link and says what it names (act false), or does
	// what it names (act true).
	Link(ctx context.Context, link string, act bool) LinkAnswer
}

// LinkAnswer is what a link route answers: one page of link.html.
type LinkAnswer struct {
	Kind LinkKind
	Page page.LinkPage
}

// LinkKind is which page a link route answers, and so its status.
type LinkKind int

// The link pages of docs/completer-http.md.
const (
	// LinkShown: the confirmation, a GET of a link that can no longer act,
	// or the outcome of a POST that acted.
	LinkShown LinkKind = iota
	// LinkInvalid: the link does not parse, or does not verify.
	LinkInvalid
	// LinkExpired: past its expiry.
	LinkExpired
	// LinkRefused: not pending at the link's attempt, or another namespace.
	LinkRefused
	// LinkUnreachable: Temporal did not answer.
	LinkUnreachable
	// LinkFailed: anything else.
	LinkFailed
)
