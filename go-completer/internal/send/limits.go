package send

import (
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/async-completion/go-completer/internal/lines"
)

// maxPayloadBytes is the server's default blob size limit. A larger result is
// not refused by the server: it fails the Activity instead, so the completer
// refuses it first.
const maxPayloadBytes = 2097152

// CheckPayloadSize refuses a text whose payload, as the SDK's default converter
// encodes it, is larger than the server accepts. what is "result" or "details".
func CheckPayloadSize(what, text string) error {
	payload, err := dataConverter.ToPayload(text)
	if err != nil {
		return fmt.Errorf("encoding the %s: %w", what, err)
	}
	// The server measures the Payloads message that wraps the payload: one tag
	// byte and the payload's length as a varint on top of the payload itself.
	p := proto.Size(payload)
	if size := p + 1 + protowire.SizeVarint(uint64(p)); size > maxPayloadBytes {
		return PayloadTooLarge{lines.PayloadTooLarge(what, size, maxPayloadBytes)}
	}
	return nil
}

// PayloadTooLarge is the failure of CheckPayloadSize, told apart from the
// other usage failures: serve answers it with 413 rather than 400.
type PayloadTooLarge struct{ *lines.Failure }

func (e PayloadTooLarge) Unwrap() error { return e.Failure }
