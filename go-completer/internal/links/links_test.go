package links

import (
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/async-completion/go-completer/internal/lines"
)

var testKey = []byte("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")

// The vectors were made by the Python completer's links.sign with the same
// inputs: both completers make the same bytes.
var vectors = []struct {
	link Link
	key  []byte
	want string
}{
	{
		Link{"default", "order-17", "01a2b3c4-run", "1", 2, Approve, "Grüße \"quoted\" \\ <b>&</b>\n\u2028 ✓", "ops.team@x", 1796547600},
		testKey,
		"WzEsImRlZmF1bHQiLCJvcmRlci0xNyIsIjAxYTJiM2M0LXJ1biIsIjEiLDIsImFwcHJvdmUiLCJHcsO8w59lIFwicXVvdGVkXCIgXFwgPGI-JjwvYj5cbuKAqCDinJMiLCJvcHMudGVhbUB4IiwxNzk2NTQ3NjAwXQ.S6yk8i6vhbYnMHvQWeeS6bI3Qcf55pWnA1fDNzDxmyw",
	},
	{
		Link{"ns", "wf", "run", "a", 1, Reject, "Rejected", "link", 1796547600},
		testKey,
		"WzEsIm5zIiwid2YiLCJydW4iLCJhIiwxLCJyZWplY3QiLCJSZWplY3RlZCIsImxpbmsiLDE3OTY1NDc2MDBd.lNo3wW69is2SWrD99A8cbyZYaVGv3PLqUf2P1afXZVc",
	},
	{
		Link{"ns", "wf", "run", "a", 1, Reject, "Rejected", "link", 1796547600},
		[]byte("previous-key-0123456789abcdef0123456789"),
		"WzEsIm5zIiwid2YiLCJydW4iLCJhIiwxLCJyZWplY3QiLCJSZWplY3RlZCIsImxpbmsiLDE3OTY1NDc2MDBd.LCdSfhAgbjjXgbSqhQ-X9HRj89iawQ7nRhh9evzYwXo",
	},
}

func TestSignMakesThePythonCompletersBytes(t *testing.T) {
	for _, v := range vectors {
		if got := Sign(v.link, v.key); got != v.want {
			t.Errorf("Sign(%+v)\n = %s\nwant %s", v.link, got, v.want)
		}
		if got, err := Verify(v.want, Keys{Key: v.key}); err != nil || got != v.link {
			t.Errorf("Verify(%s) = %+v, %v", v.want, got, err)
		}
	}
}

func TestRotationVerifiesWithThePreviousKey(t *testing.T) {
	previous := vectors[2]
	rotated := Keys{Key: testKey, Previous: previous.key}
	if got, err := Verify(previous.want, rotated); err != nil || got != previous.link {
		t.Errorf("a link of the previous key: %+v, %v", got, err)
	}
	if _, err := Verify(previous.want, Keys{Key: testKey}); !errors.Is(err, ErrBadLink) {
		t.Errorf("without the previous key: %v", err)
	}
	if _, err := Verify(vectors[1].want, Keys{Key: previous.key}); !errors.Is(err, ErrBadLink) {
		t.Errorf("a link of the new key after going back: %v", err)
	}
}

func TestEveryTamperedLinkIsBad(t *testing.T) {
	good := Sign(vectors[1].link, testKey)
	p, s, _ := strings.Cut(good, ".")
	// Each signed field changed, signed by another key.
	otherKey := []byte(strings.Repeat("k", 32))
	var tampered []string
	for _, change := range []func(*Link){
		func(l *Link) { l.Namespace = "other" },
		func(l *Link) { l.WorkflowID = "wf2" },
		func(l *Link) { l.RunID = "run2" },
		func(l *Link) { l.ActivityID = "b" },
		func(l *Link) { l.Attempt = 2 },
		func(l *Link) { l.Action = Approve },
		func(l *Link) { l.Text = "Approved" },
		func(l *Link) { l.For = "mallory" },
		func(l *Link) { l.Expires++ },
	} {
		l := vectors[1].link
		change(&l)
		other := Sign(l, testKey)
		otherP, _, _ := strings.Cut(other, ".")
		tampered = append(tampered, otherP+"."+s, Sign(l, otherKey))
	}
	flipped := []byte(s)
	flipped[3] ^= 1
	tampered = append(tampered,
		p+"."+string(flipped), p+"X."+s, p, p+".", "."+s, "", ".", p+"."+s+"=", p+"="+"."+s, p+"."+s+".x",
		strings.ToUpper(p)+"."+s, p+"é."+s, p+"."+s[:len(s)-1],
		// A padded signature, or one in the standard alphabet, is not the
		// link's text.
		p+"."+strings.NewReplacer("-", "+", "_", "/").Replace(s)+"=",
	)
	for _, text := range tampered {
		if got, err := Verify(text, Keys{Key: testKey}); !errors.Is(err, ErrBadLink) {
			t.Errorf("Verify(%q) = %+v, %v; want ErrBadLink", text, got, err)
		}
	}
}

func TestAWellSignedLinkMustStillBeALink(t *testing.T) {
	for _, payload := range []string{
		`[1,"ns","wf","run","a",1,"delete","x","link",1]`,
		`[2,"ns","wf","run","a",1,"approve","x","link",1]`,
		`[1,"ns","wf","run","a",1,"approve","x","link"]`,
		`[1,"ns","wf","run","a",1,"approve","x","link",1,2]`,
		`[1,"ns","wf","run","a",1.5,"approve","x","link",1]`,
		`[1,"ns","wf","run","a",1e3,"approve","x","link",1]`,
		`[1,"ns","wf","run",7,1,"approve","x","link",1]`,
		`[1,"ns","wf","run","a",1,"approve","x","link",99999999999999999999]`,
		`[1,"ns","wf","run","a",1,"approve","x","link",1] []`,
		`{"version":1}`,
		"[1,\"ns\",\"wf\",\"run\",\"a\",1,\"approve\",\"\xff\",\"link\",1]",
		`not json`,
	} {
		p := b64(payload)
		if got, err := Verify(p+"."+signature(testKey, p), Keys{Key: testKey}); !errors.Is(err, ErrBadLink) {
			t.Errorf("Verify(%s) = %+v, %v; want ErrBadLink", payload, got, err)
		}
	}
	// White space in the array is JSON all the same.
	p := b64(` [1, "ns", "wf", "run", "a", 3, "approve", "x", "link", 1] `)
	if got, err := Verify(p+"."+signature(testKey, p), Keys{Key: testKey}); err != nil || got.Attempt != 3 {
		t.Errorf("an array with white space: %+v, %v", got, err)
	}
}

func b64(s string) string {
	return strings.TrimRight(strings.NewReplacer("+", "-", "/", "_").Replace(stdBase64(s)), "=")
}

func TestExpiry(t *testing.T) {
	l := Link{Expires: 1796547600}
	at := time.Unix(1796547600, 0)
	if l.Expired(at) || !l.Expired(at.Add(time.Second)) {
		t.Errorf("expired at the second: %v, a second later: %v", l.Expired(at), l.Expired(at.Add(time.Second)))
	}
	if !l.Expired(at.Add(time.Nanosecond)) {
		t.Error("a link works past its expiry instant")
	}
	if l.ExpiresAt() != "2026-12-06T09:00:00Z" {
		t.Errorf("ExpiresAt = %s", l.ExpiresAt())
	}
}

func writeKeyFile(t *testing.T, content string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "link.key")
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReadKeys(t *testing.T) {
	key := strings.Repeat("a", 32)
	previous := strings.Repeat("b", 40)
	for _, tt := range []struct {
		content  string
		key      string
		previous string
	}{
		{key, key, ""},
		{key + "\n", key, ""},
		{key + "\r\n", key, ""},
		{key + "\n" + previous + "\n", key, previous},
		{key + "\r\n" + previous + "\r\n", key, previous},
		{key + "\n\nignored", key, ""},
		{key + "\n" + previous + "\nthird line\n", key, previous},
		// The line's bytes as written: spaces are key bytes.
		{" " + key + " \n", " " + key + " ", ""},
	} {
		path := writeKeyFile(t, tt.content, 0o600)
		keys, warning, err := ReadKeys(path)
		if err != nil || string(keys.Key) != tt.key || string(keys.Previous) != tt.previous || warning != "" {
			t.Errorf("ReadKeys(%q) = %q %q %q %v", tt.content, keys.Key, keys.Previous, warning, err)
		}
	}
	for _, tt := range []struct {
		content string
		want    *lines.Failure
	}{
		{"", nil},
		{strings.Repeat("a", 31) + "\n" + previous, nil},
		{key + "\n" + strings.Repeat("b", 31), nil},
	} {
		path := writeKeyFile(t, tt.content, 0o600)
		line := 1
		if strings.HasPrefix(tt.content, key) {
			line = 2
		}
		_, _, err := ReadKeys(path)
		want := lines.LinkKeyTooShort(line, path)
		var failure *lines.Failure
		if !errors.As(err, &failure) || *failure != *want {
			t.Errorf("ReadKeys(%q) = %v, want %v", tt.content, err, want)
		}
	}
	missing := filepath.Join(t.TempDir(), "missing.key")
	_, _, err := ReadKeys(missing)
	if want := `cannot read the link key file "` + missing + `": no such file or directory`; err == nil || err.Error() != want {
		t.Errorf("a missing file: %v, want %s", err, want)
	}
	var failure *lines.Failure
	if !errors.As(err, &failure) || failure.Code != lines.ExitUsage {
		t.Errorf("a missing file is a usage error: %v", err)
	}
	for _, mode := range []os.FileMode{0o640, 0o604, 0o644} {
		path := writeKeyFile(t, key, mode)
		_, warning, err := ReadKeys(path)
		if want := `warning: the link key file "` + path + `" can be read by other users: chmod 600 ` + path; err != nil || warning != want {
			t.Errorf("mode %o: %q, %v", mode, warning, err)
		}
	}
}

// The tables below were checked against the Python completer's links.py.

func TestParseExpires(t *testing.T) {
	for text, want := range map[string]int64{
		"90m": 5400, "72h": 259200, "7d": 604800, "365d": 31536000, "8760h": 31536000, "31536000s": 31536000, "00001s": 1,
		"366d": 0, "8761h": 0, "31536001s": 0, "0s": 0, "0d": 0, "1": 0, "1.5h": 0, "1H": 0, "-1h": 0, " 1h": 0,
		"99999999999999999999999d": 0, "1w": 0, "": 0,
	} {
		got, err := ParseExpires(text)
		if want == 0 {
			if err == nil || err.Error() != lines.BadExpires(text).Message {
				t.Errorf("ParseExpires(%q) = %d, %v; want the line", text, got, err)
			}
		} else if err != nil || got != want {
			t.Errorf("ParseExpires(%q) = %d, %v; want %d", text, got, err, want)
		}
	}
}

func TestParseExpiresAt(t *testing.T) {
	now := time.Unix(1796547600, 500_000_000)
	for text, want := range map[string]int64{
		"2026-12-06T09:00:01Z":              1796547601,
		"2026-12-06T10:00:01+01:00":         1796547601,
		"2028-02-29T10:00:00Z":              1835431200,
		"2027-12-06T10:00:00.123456789123Z": 1828087200,
		"2026-12-06T09:00:00Z":              0,
		"2026-12-06T09:00:00.9Z":            0,
		"2026-12-06T09:00:00.999999Z":       0,
		"2026-12-06T09:00:01+01:00":         0,
		"2026-12-06t10:00:01Z":              0,
		"2026-12-06T10:00:01z":              0,
		"2026-02-29T10:00:00Z":              0,
		"2026-12-06T24:00:00Z":              0,
		"2026-12-06T10:60:00Z":              0,
		"2026-12-06T10:00:60Z":              0,
		"2026-12-06T10:00:00+24:00":         0,
		"2026-12-06T10:00:00+23:59":         0,
		"2026-12-06 10:00:00Z":              0,
		"2026-12-06T10:00:00":               0,
		"2026-13-06T10:00:00Z":              0,
		"０２０２6-12-06T10:00:00Z":             0,
	} {
		got, err := ParseExpiresAt(text, now)
		if want == 0 {
			if err == nil || err.Error() != lines.BadExpiresAt(text).Message {
				t.Errorf("ParseExpiresAt(%q) = %d, %v; want the line", text, got, err)
			}
		} else if err != nil || got != want {
			t.Errorf("ParseExpiresAt(%q) = %d, %v; want %d", text, got, err, want)
		}
	}
}

func TestCheckBaseURL(t *testing.T) {
	for text, want := range map[string]string{
		"http://127.0.0.1:8080":          "http://127.0.0.1:8080",
		"https://approvals.example.com/": "https://approvals.example.com",
		"https://h/p/":                   "https://h/p",
		"http://h//":                     "http://h/",
		"http://h:":                      "http://h:",
		"http://h:0":                     "http://h:0",
		"http://h:65535":                 "http://h:65535",
		"http://h:0080":                  "http://h:0080",
		"http://u:p@h:80/x":              "http://u:p@h:80/x",
		"http://@h":                      "http://@h",
		"http://[::1]:8080/":             "http://[::1]:8080",
		"http://[v1.x]/":                 "http://[v1.x]",
		"http://hö/":                     "http://hö",
		"http://h<x/":                    "http://h<x",
		"http://u@[::1]/":                "http://u@[::1]",
		"http://[::1]@h/":                "http://[::1]@h",
		"http://[fe80::1%25eth0]/":       "http://[fe80::1%25eth0]",
		"http://":                        "",
		"http://:80":                     "",
		"http://h:65536":                 "",
		"http://h:+80":                   "",
		"http://h:8a":                    "",
		"http://[::1":                    "",
		"http://::1]/":                   "",
		"http://[127.0.0.1]/":            "",
		"http://[vz.x]/":                 "",
		"http://h/?q":                    "",
		"http://h/#f":                    "",
		"http://h /":                     "",
		"ftp://h":                        "",
		"HTTP://h":                       "",
		"http://h:80:90/":                "",
		"http://h\t/":                    "",
	} {
		got, err := CheckBaseURL(text)
		if want == "" {
			if err == nil || err.Error() != lines.BadBaseURL(text).Message {
				t.Errorf("CheckBaseURL(%q) = %q, %v; want the line", text, got, err)
			}
		} else if err != nil || got != want {
			t.Errorf("CheckBaseURL(%q) = %q, %v; want %q", text, got, err, want)
		}
	}
}

func TestCheckForAndText(t *testing.T) {
	for name, ok := range map[string]bool{"link": true, "ops.team@example-1_x": true, strings.Repeat("a", 64): true,
		"": false, strings.Repeat("a", 65): false, "a b": false, "é": false, "a/b": false} {
		if err := CheckFor(name); (err == nil) != ok {
			t.Errorf("CheckFor(%q) = %v", name, err)
		}
	}
	if CheckText(strings.Repeat("é", 250)) != nil || CheckText(strings.Repeat("é", 250)+"x") == nil {
		t.Error("the text's bound is 500 bytes of UTF-8")
	}
}

func stdBase64(s string) string {
	return base64.StdEncoding.EncodeToString([]byte(s))
}
