// Package batch runs `complete --batch` and `fail --batch`: it reads the jobs,
// one per line, sends them with a bounded number in flight, and writes one
// JSON outcome line per job as each finishes. What a job sends is the caller's
// (package cli hands in a send function), so that batch knows nothing of the
// verbs but the keys of their JSON jobs.
package batch

import (
	"bytes"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/async-completion/go-completer/internal/lines"
	"github.com/async-completion/go-completer/internal/model"
)

// byteOrderMark starts the files that some editors save as UTF-8.
var byteOrderMark = []byte("\xef\xbb\xbf")

// Read reads the whole batch: the file at path, or stdin for "-", without the
// byte-order mark it may start with. Its error is a *lines.Failure.
func Read(path string, stdin io.Reader) ([]byte, error) {
	var data []byte
	var err error
	if path == "-" {
		data, err = io.ReadAll(stdin)
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, lines.CannotReadBatchFile(path, lines.OSReason(err))
	}
	return bytes.TrimPrefix(data, byteOrderMark), nil
}

// Parse makes jobs of the lines of a batch with parseLine, and outcomes of the
// lines that cannot be sent (malformed), both in line order. Blank lines and
// comment lines (first non-blank character #) are neither. Lines end at "\n";
// white space around a line, a "\r" included, is trimmed. parseLine gets the
// 1-based line number and the trimmed text; its error's row is the outcome.
func Parse[J any](data []byte, parseLine func(number int, text string) (J, error)) (jobs []J, malformed []model.Outcome) {
	number := 0
	for len(data) > 0 {
		number++
		raw := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			raw, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if !utf8.Valid(raw) {
			failure := lines.NotAJob("it is not UTF-8 text")
			malformed = append(malformed, model.Outcome{Line: number, Code: failure.Code, Message: failure.Message})
			continue
		}
		text := strings.TrimSpace(string(raw))
		if text == "" || text[0] == '#' {
			continue
		}
		job, err := parseLine(number, text)
		if err != nil {
			failure := lines.AsFailure(err)
			malformed = append(malformed, model.Outcome{Line: number, Code: failure.Code, Message: failure.Message})
			continue
		}
		jobs = append(jobs, job)
	}
	return jobs, malformed
}
