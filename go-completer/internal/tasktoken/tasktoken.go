// Package tasktoken reads the task token that the Worker logs as lower-case hex:
// it cleans up what a person pasted, checks it, and decodes the server's wire
// layout so the completer can say which Activity a token is for.
//
// Every error that Parse returns is an input error (exit code 2 in the
// completer), and its text is the message the CLI page prescribes, without the
// leading "error: " (the words are in package lines).
package tasktoken

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"google.golang.org/protobuf/proto"

	"github.com/async-completion/go-completer/internal/lines"
	"github.com/async-completion/go-completer/internal/tasktokenpb"
)

// Errors for a token that cannot be used.
var (
	ErrEmpty    = errors.New(lines.TokenEmpty)
	ErrBase64   = errors.New(lines.TokenBase64)
	ErrNotToken = errors.New(lines.TokenNotToken)
)

// NotHexError reports the first character of the token that is not a hex digit.
type NotHexError struct {
	// Char is the offending character as it was typed.
	Char string
	// Position is its 1-based position, counted in characters, in the trimmed text.
	Position int
}

func (e *NotHexError) Error() string {
	return lines.TokenNotHex(e.Char, e.Position)
}

// OddLengthError reports a token with an odd number of hex digits: half a byte
// is missing, so the token was cut short.
type OddLengthError struct {
	Digits int
}

func (e *OddLengthError) Error() string {
	return lines.TokenOddLength(e.Digits)
}

// Token is a checked task token: the bytes to send and what they say.
type Token struct {
	Bytes []byte
	Task  *tasktokenpb.Task
}

// Describe names the Activity the token is for, the way every success and
// refusal line of the completer does.
func (t *Token) Describe() string {
	if t.Standalone() {
		return lines.DescribeStandaloneAttempt(t.Task.GetActivityId(), int64(t.Task.GetAttempt()))
	}
	return lines.DescribeAttempt(t.Task.GetActivityId(), t.Task.GetWorkflowId(), int64(t.Task.GetAttempt()))
}

// Clean trims white space and one leading 0x or 0X: the forms a token takes when
// it is copied from a log or a shell.
func Clean(text string) string {
	text = strings.TrimSpace(text)
	if strings.HasPrefix(text, "0x") || strings.HasPrefix(text, "0X") {
		text = text[2:]
	}
	return text
}

// Parse cleans, checks and decodes a token given as hex text.
func Parse(text string) (*Token, error) {
	text = Clean(text)
	if text == "" {
		return nil, ErrEmpty
	}
	if err := checkHex(text); err != nil {
		var notHex *NotHexError
		// A token copied from a tool that prints bytes as base64 (the Temporal
		// UI, JSON) is the commonest wrong paste: say so rather than point at a
		// character.
		if errors.As(err, &notHex) && looksLikeBase64Token(text) {
			return nil, ErrBase64
		}
		return nil, err
	}
	raw, err := hex.DecodeString(text)
	if err != nil {
		// checkHex has already ruled out every case hex.DecodeString refuses.
		return nil, fmt.Errorf("decoding the task token: %w", err)
	}
	task, err := Decode(raw)
	if err != nil {
		return nil, err
	}
	return &Token{Bytes: raw, Task: task}, nil
}

// Decode parses token bytes and checks that the fields every Activity task
// token has are there.
func Decode(raw []byte) (*tasktokenpb.Task, error) {
	task := &tasktokenpb.Task{}
	if err := proto.Unmarshal(raw, task); err != nil {
		return nil, ErrNotToken
	}
	if task.GetNamespaceId() == "" || task.GetActivityId() == "" {
		return nil, ErrNotToken
	}
	if task.GetWorkflowId() != "" && task.GetRunId() != "" {
		return task, nil
	}
	if task.GetWorkflowId() == "" && task.GetRunId() == "" && StandaloneRef(task) != nil {
		return task, nil
	}
	return nil, ErrNotToken
}

// StandaloneRef is the reference to a standalone Activity (started without a
// Workflow) that its token carries, with the Activity's run ID; nil for an
// Activity of a Workflow.
func StandaloneRef(task *tasktokenpb.Task) *tasktokenpb.ComponentRef {
	if task.GetWorkflowId() != "" || len(task.GetComponentRef()) == 0 {
		return nil
	}
	ref := &tasktokenpb.ComponentRef{}
	if proto.Unmarshal(task.GetComponentRef(), ref) != nil {
		return nil
	}
	if ref.GetBusinessId() != task.GetActivityId() || ref.GetRunId() == "" {
		return nil
	}
	return ref
}

// Standalone reports whether the token is a standalone Activity's.
func (t *Token) Standalone() bool {
	return StandaloneRef(t.Task) != nil
}

func checkHex(text string) error {
	position := 0
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		position++
		if !isHexDigit(r) {
			return &NotHexError{Char: text[i : i+size], Position: position}
		}
		i += size
	}
	if len(text)%2 != 0 {
		return &OddLengthError{Digits: len(text)}
	}
	return nil
}

func isHexDigit(r rune) bool {
	return ('0' <= r && r <= '9') || ('a' <= r && r <= 'f') || ('A' <= r && r <= 'F')
}

// looksLikeBase64Token reports whether text is a task token in base64, standard
// or URL alphabet, with or without padding.
func looksLikeBase64Token(text string) bool {
	unpadded := strings.TrimRight(text, "=")
	if len(text)-len(unpadded) > 2 || unpadded == "" {
		return false
	}
	for _, alphabet := range []struct {
		extra    string
		encoding *base64.Encoding
	}{
		{"+/", base64.RawStdEncoding},
		{"-_", base64.RawURLEncoding},
	} {
		// Check the alphabet first: the decoder skips line breaks, which would
		// let text that is not base64 through.
		if !onlyBase64Characters(unpadded, alphabet.extra) {
			continue
		}
		raw, err := alphabet.encoding.DecodeString(unpadded)
		if err != nil {
			continue
		}
		if _, err := Decode(raw); err == nil {
			return true
		}
	}
	return false
}

func onlyBase64Characters(text, extra string) bool {
	for _, r := range text {
		alphanumeric := ('A' <= r && r <= 'Z') || ('a' <= r && r <= 'z') || ('0' <= r && r <= '9')
		if !alphanumeric && !strings.ContainsRune(extra, r) {
			return false
		}
	}
	return true
}
