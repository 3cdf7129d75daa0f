package cli

import (
	"flag"
	"os"
	"unicode/utf8"

	"github.com/async-completion/go-completer/internal/lines"
)

// completeOptions are complete's own options: the result, given or read from
// a file (the default is an empty text, which the Workflow's str Activity
// receives as "").
func (c *command) completeOptions(fs *flag.FlagSet) {
	fs.Var(&c.resultFlag, "result", "the Activity's result, a text")
	fs.Var(&c.resultFile, "result-file", "a file whose content, UTF-8 text, is the result")
}

// readResultFile reads --result-file: its content is the result, unchanged
// (a byte-order mark and line ends included), and must be UTF-8 text.
func readResultFile(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", lines.CannotReadResultFile(path, lines.OSReason(err))
	}
	if !utf8.Valid(data) {
		return "", lines.ResultFileNotUTF8(path)
	}
	return string(data), nil
}
