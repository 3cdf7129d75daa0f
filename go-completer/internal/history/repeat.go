package history

import (
	"bytes"
	"encoding/json"

	commonpb "go.temporal.io/api/common/v1"

	"github.com/async-completion/go-completer/internal/identity"
	"github.com/async-completion/go-completer/internal/model"
)

// Request is what a refused request asked for: its action and payload, and
// the idempotency key it carries.
type Request struct {
	// Kind is the event the request would have written: Completed for
	// complete, Failed for fail, Canceled for cancel; 0 for a heartbeat,
	// which repeats nothing.
	Kind      model.Kind
	Result    string
	Reason    string
	Retryable bool
	// Details are a cancellation's, nil for none.
	Details *string
	// Key is the request's idempotency key, empty for none.
	Key string
	// Attempt is the token's attempt, 0 for a request by IDs.
	Attempt int32
}

// Repeats reports whether the request repeats c, what closed the Activity: the
// same action with the same payload (with a token, of the same attempt), and
// when the request has an idempotency key, an identity that carries it. Never
// on a guess: a history that says less answers false.
func Repeats(c *model.Closing, r Request) bool {
	if c == nil || r.Kind == 0 || c.Kind != r.Kind {
		return false
	}
	if r.Attempt != 0 && c.Attempt != r.Attempt {
		return false
	}
	if r.Key != "" && !identity.CarriesKey(c.Identity, r.Key) {
		return false
	}
	switch c.Kind {
	case model.Completed:
		text, ok := Text(c.Result)
		return ok && text == r.Result
	case model.Failed:
		info := c.Failure.GetApplicationFailureInfo()
		return info != nil && c.Failure.GetMessage() == r.Reason && info.GetNonRetryable() == !r.Retryable
	case model.Canceled:
		if r.Details == nil {
			return len(c.Details.GetPayloads()) == 0
		}
		text, ok := Text(c.Details)
		return ok && text == *r.Details
	}
	return false
}

// Text is the text of payloads that hold one text, as the SDKs' default
// converters encode a string (json/plain, a JSON string).
func Text(payloads *commonpb.Payloads) (string, bool) {
	if len(payloads.GetPayloads()) != 1 {
		return "", false
	}
	payload := payloads.GetPayloads()[0]
	data := payload.GetData()
	var text string
	// A JSON string, however the SDK that wrote it spaced or escaped it.
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if string(payload.GetMetadata()["encoding"]) != "json/plain" || len(trimmed) == 0 || trimmed[0] != '"' || json.Unmarshal(data, &text) != nil {
		return "", false
	}
	return text, true
}
