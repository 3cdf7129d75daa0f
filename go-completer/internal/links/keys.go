package links

import (
	"bytes"
	"os"

	"github.com/async-completion/go-completer/internal/lines"
)

// minKeyBytes is the shortest key: 32 bytes, as `openssl rand -hex 32` makes
// 64.
const minKeyBytes = 32

// Keys are the link key file's: the key that signs and verifies, and the
// previous key, which only verifies (rotation).
type Keys struct {
	Key      []byte
	Previous []byte
}

func (k Keys) verifying() [][]byte {
	if k.Previous == nil {
		return [][]byte{k.Key}
	}
	return [][]byte{k.Key, k.Previous}
}

// ReadKeys reads the link key file: the key on its first line, the previous
// key on its second (if any), each the line's bytes as written without its
// line ending, at least 32 of them. warning is the line to print when users
// other than the owner can read the file, else empty. Its error is a
// *lines.Failure.
func ReadKeys(path string) (keys Keys, warning string, err error) {
	file, err := os.Open(path)
	if err != nil {
		return Keys{}, "", lines.CannotReadLinkKey(path, lines.OSReason(err))
	}
	defer file.Close()
	info, err := file.Stat()
	if err != nil {
		return Keys{}, "", lines.CannotReadLinkKey(path, lines.OSReason(err))
	}
	var data bytes.Buffer
	if _, err := data.ReadFrom(file); err != nil {
		return Keys{}, "", lines.CannotReadLinkKey(path, lines.OSReason(err))
	}
	fileLines := bytes.Split(data.Bytes(), []byte("\n"))
	keys.Key = bytes.TrimSuffix(fileLines[0], []byte("\r"))
	if len(fileLines) > 1 {
		if previous := bytes.TrimSuffix(fileLines[1], []byte("\r")); len(previous) > 0 {
			keys.Previous = previous
		}
	}
	if len(keys.Key) < minKeyBytes {
		return Keys{}, "", lines.LinkKeyTooShort(1, path)
	}
	if keys.Previous != nil && len(keys.Previous) < minKeyBytes {
		return Keys{}, "", lines.LinkKeyTooShort(2, path)
	}
	if info.Mode().Perm()&0o044 != 0 {
		warning = lines.LinkKeyReadable(path)
	}
	return keys, warning, nil
}
