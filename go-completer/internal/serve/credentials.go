package serve

import (
	"crypto/sha256"
	"crypto/subtle"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/async-completion/go-completer/internal/lines"
)

// minSecretLength is the fewest characters of a secret: a secret short enough
// to guess is no credential.
const minSecretLength = 16

// maxNameLength is the most characters of a credential's NAME.
const maxNameLength = 64

// defaultName names a credential written as a bare SECRET.
const defaultName = "api"

// Credentials are the secrets of --auth-token-file that callers may send as
// Authorization: Bearer SECRET, each with its NAME (who acted).
type Credentials struct {
	entries []credential
}

type credential struct {
	name string
	// digest is the secret's SHA-256: comparing digests of equal length in
	// constant time tells nothing of the secret, not even its length.
	digest [sha256.Size]byte
}

// ReadCredentials reads --auth-token-file: one credential a line, SECRET or
// NAME SECRET; blank lines and lines starting with # are skipped. Its error
// is a *lines.Failure.
func ReadCredentials(path string) (*Credentials, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, lines.CannotReadCredentials(path, lines.OSReason(err))
	}
	creds := &Credentials{}
	text := strings.TrimPrefix(string(data), "\ufeff")
	fileLines := strings.Split(text, "\n")
	// A file that ends with a newline has no line after it.
	if len(fileLines) > 1 && fileLines[len(fileLines)-1] == "" {
		fileLines = fileLines[:len(fileLines)-1]
	}
	for i, line := range fileLines {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		name, secret, ok := parseCredential(line)
		if !ok {
			return nil, lines.NoCredentialOnLine(path, i+1)
		}
		creds.entries = append(creds.entries, credential{name: name, digest: sha256.Sum256([]byte(secret))})
	}
	if len(creds.entries) == 0 {
		// Only blank lines and comments: the last line is where a credential
		// is missing (line 1 of an empty file).
		return nil, lines.NoCredentialOnLine(path, max(len(fileLines), 1))
	}
	return creds, nil
}

// parseCredential reads one line that is not blank or a comment.
func parseCredential(line string) (name, secret string, ok bool) {
	if !utf8.ValidString(line) {
		return "", "", false
	}
	fields := strings.Fields(line)
	switch len(fields) {
	case 1:
		name, secret = defaultName, fields[0]
	case 2:
		name, secret = fields[0], fields[1]
		if !validName(name) {
			return "", "", false
		}
	default:
		return "", "", false
	}
	return name, secret, utf8.RuneCountInString(secret) >= minSecretLength
}

// validName reports whether name is 1 to 64 of A-Za-z0-9._@-.
func validName(name string) bool {
	if name == "" || len(name) > maxNameLength {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '_', c == '@', c == '-':
		default:
			return false
		}
	}
	return true
}

// Match is the NAME of the credential whose secret is secret. Every secret is
// compared, each in constant time, whichever matches.
func (c *Credentials) Match(secret string) (name string, ok bool) {
	digest := sha256.Sum256([]byte(secret))
	for i := range c.entries {
		if subtle.ConstantTimeCompare(digest[:], c.entries[i].digest[:]) == 1 && !ok {
			name, ok = c.entries[i].name, true
		}
	}
	return name, ok
}

// bearer is the secret of an Authorization header "Bearer SECRET" (the scheme
// in any case), or false for any other header.
func bearer(header string) (string, bool) {
	scheme, secret, found := strings.Cut(header, " ")
	if !found || !strings.EqualFold(scheme, "Bearer") || secret == "" {
		return "", false
	}
	return secret, true
}
