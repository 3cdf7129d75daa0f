// Package links makes and checks signed action links (docs/completer-cli.md,
// "The link's format"): one action on one attempt of one Activity of one
// Workflow run, who it is for and when it expires, signed with HMAC-SHA-256
// under the link key. `link` makes them, `serve` verifies them; the Python
// completer makes byte-identical ones, and each verifies the other's.
//
// LINK is `P.S`: P the base64url (no padding) of the UTF-8 of a compact JSON
// array [1,"NAMESPACE","WORKFLOW_ID","RUN_ID","ACTIVITY_ID",ATTEMPT,"ACTION",
// "TEXT","FOR",EXPIRES], S the base64url (no padding) of HMAC-SHA-256(key, the
// ASCII of P). No task token is in a link, and no state is kept: once its
// attempt closes or is retried, the link is void.
package links

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/async-completion/go-completer/internal/jsontext"
)

// version is the format's version, the array's first element.
const version = 1

// The actions a link names.
const (
	Approve = "approve"
	Reject  = "reject"
)

// RoutePrefix is where serve answers links: BASE/a/LINK.
const RoutePrefix = "/a/"

// Link is what a link names. Approve completes the Activity with Text as its
// result; Reject fails it, non-retryable, with Text as its reason.
type Link struct {
	Namespace  string
	WorkflowID string
	RunID      string
	ActivityID string
	Attempt    int64
	Action     string
	Text       string
	For        string
	// Expires is the expiry in whole seconds since 1970-01-01 UTC.
	Expires int64
}

// ExpiresAt is the expiry as every line writes a time: RFC 3339 in UTC.
func (l Link) ExpiresAt() string {
	return time.Unix(l.Expires, 0).UTC().Format(time.RFC3339Nano)
}

// Expired reports whether the link no longer works at now: it works through
// its expiry second.
func (l Link) Expired(now time.Time) bool {
	return now.After(time.Unix(l.Expires, 0))
}

// Payload is P: the base64url of the compact JSON array, strings encoded as
// the batch lines encode them.
func (l Link) Payload() string {
	var b []byte
	b = append(b, '[')
	b = strconv.AppendInt(b, version, 10)
	for _, s := range []string{l.Namespace, l.WorkflowID, l.RunID, l.ActivityID} {
		b = append(b, ',')
		b = jsontext.AppendString(b, s)
	}
	b = append(b, ',')
	b = strconv.AppendInt(b, l.Attempt, 10)
	for _, s := range []string{l.Action, l.Text, l.For} {
		b = append(b, ',')
		b = jsontext.AppendString(b, s)
	}
	b = append(b, ',')
	b = strconv.AppendInt(b, l.Expires, 10)
	b = append(b, ']')
	return base64.RawURLEncoding.EncodeToString(b)
}

// Sign is LINK, P.S, signed with key.
func Sign(l Link, key []byte) string {
	p := l.Payload()
	return p + "." + signature(key, p)
}

func signature(key []byte, p string) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(p))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// ErrBadLink is every link that does not parse, or whose signature does not
// verify: deliberately one error, so that no answer hints at which part was
// wrong.
var ErrBadLink = errors.New("this link is not valid")

// Verify is the link of text, once its signature verifies under one of keys
// (the key, and the previous key). Its error is ErrBadLink, whatever the
// fault.
func Verify(text string, keys Keys) (Link, error) {
	p, s, found := strings.Cut(text, ".")
	if !found || p == "" || s == "" || !isASCII(p) || !isASCII(s) {
		return Link{}, ErrBadLink
	}
	// Every key is tried, each compared in constant time.
	verified := false
	for _, key := range keys.verifying() {
		if hmac.Equal([]byte(signature(key, p)), []byte(s)) {
			verified = true
		}
	}
	if !verified {
		return Link{}, ErrBadLink
	}
	link, ok := decode(p)
	if !ok {
		return Link{}, ErrBadLink
	}
	return link, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// decode reads P: ten elements, the version, texts and whole numbers where the
// format has them, an action that is approve or reject.
func decode(p string) (Link, bool) {
	if strings.TrimLeft(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" || len(p)%4 == 1 {
		return Link{}, false
	}
	data, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil || !utf8.Valid(data) {
		return Link{}, false
	}
	decoder := json.NewDecoder(bytes.NewReader(data))
	decoder.UseNumber()
	var fields []any
	if decoder.Decode(&fields) != nil || decoder.More() || len(fields) != 10 {
		return Link{}, false
	}
	var l Link
	var v int64
	ok := whole(fields[0], &v) && v == version &&
		text(fields[1], &l.Namespace) && text(fields[2], &l.WorkflowID) && text(fields[3], &l.RunID) && text(fields[4], &l.ActivityID) &&
		whole(fields[5], &l.Attempt) && text(fields[6], &l.Action) && text(fields[7], &l.Text) && text(fields[8], &l.For) &&
		whole(fields[9], &l.Expires)
	if !ok || (l.Action != Approve && l.Action != Reject) {
		return Link{}, false
	}
	return l, true
}

func text(value any, into *string) bool {
	s, ok := value.(string)
	*into = s
	return ok
}

// whole reads a JSON number written as a whole number (no fraction, no
// exponent).
func whole(value any, into *int64) bool {
	n, ok := value.(json.Number)
	if !ok || strings.ContainsAny(string(n), ".eE") {
		return false
	}
	i, err := strconv.ParseInt(string(n), 10, 64)
	*into = i
	return err == nil
}
