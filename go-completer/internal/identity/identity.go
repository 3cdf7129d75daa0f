// Package identity is who acted: the identity every request carries, which
// the server writes into the history event that closes the Activity
// (docs/completer-cli.md, "The recorded identity").
//
// `ACTOR via go-completer SURFACE@HOST[ key=KEY]`: the same form as the
// Python completer's, so that an audit of one Workflow's history tells who
// decided, through which surface and which language, and which idempotency
// key the request carried. The history is the only state: a repeated request
// is recognised by what this text and the event's payload say.
package identity

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"unicode/utf8"
)

// The SURFACEs of the recorded identity.
const (
	CLI   = "cli"
	Serve = "serve"
)

// MaxLength bounds an identity and an idempotency key alike.
const MaxLength = 128

// keyMark comes before the idempotency key in a recorded identity.
const keyMark = " key="

// Host is the machine's host name, as the recorded identity names it.
var Host = sync.OnceValue(func() string {
	name, err := os.Hostname()
	if err != nil || name == "" {
		return "unknown"
	}
	return name
})

// Recorded is the identity a request sends, and so the history records.
// key is the request's idempotency key, empty for none.
func Recorded(actor, surface, key string) string {
	return recorded(actor, surface, Host(), key)
}

func recorded(actor, surface, host, key string) string {
	text := fmt.Sprintf("%s via go-completer %s@%s", actor, surface, host)
	if key != "" {
		text += keyMark + key
	}
	return text
}

// CLIRecorded is the identity of a command-line request (a batch job's too):
// actor (--identity), else the SDKs' default PID@HOST.
func CLIRecorded(actor string, actorSet bool, key string) string {
	if !actorSet {
		actor = defaultActor(os.Getpid(), Host())
	}
	return Recorded(actor, CLI, key)
}

// defaultActor is the CLI's ACTOR without --identity: the SDKs' default
// identity, PID@HOST.
func defaultActor(pid int, host string) string {
	return fmt.Sprintf("%d@%s", pid, host)
}

// Unauthenticated is the ACTOR of a request to a loopback serve without
// credentials: the name the request gives itself, or anonymous.
func Unauthenticated(name string) string {
	if name == "" {
		name = "anonymous"
	}
	return name + " (unauthenticated)"
}

// LinkActor is the ACTOR of a signed link's action: who the link is for.
func LinkActor(name string) string {
	return name + " (link)"
}

// Valid reports whether text is 1 to 128 characters (UTF-8) without control
// characters (U+0000 to U+001F, U+007F to U+009F).
func Valid(text string) bool {
	if !utf8.ValidString(text) || text == "" || utf8.RuneCountInString(text) > MaxLength {
		return false
	}
	for _, r := range text {
		if r <= 0x1f || (0x7f <= r && r <= 0x9f) {
			return false
		}
	}
	return true
}

// ValidKey reports whether key is an idempotency key: 1 to 128 printable
// ASCII characters without spaces (! to ~).
func ValidKey(key string) bool {
	if key == "" || len(key) > MaxLength {
		return false
	}
	for i := 0; i < len(key); i++ {
		if key[i] < '!' || key[i] > '~' {
			return false
		}
	}
	return true
}

// CarriesKey reports whether a recorded identity carries this idempotency
// key: keys hold no space, so the key is the text after the last " key=", to
// the end.
func CarriesKey(recorded, key string) bool {
	return strings.HasSuffix(recorded, keyMark+key)
}
