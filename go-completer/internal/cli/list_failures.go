package cli

import (
	"github.com/async-completion/go-completer/internal/lines"
	"github.com/async-completion/go-completer/internal/send"
)

// listFailures counts the Workflows that list and GET /v1/pending could not
// describe: each gets a row with its failure's line, the others are listed,
// and the exit code is the largest of their codes (3 refused, 4 no answer,
// 1 anything else).
type listFailures struct {
	count int
	code  int
}

// add counts the failed describe err and returns its line.
func (f *listFailures) add(err error, server send.Server) string {
	failure := mapListError(err, server)
	f.count++
	f.code = max(f.code, failure.Code)
	return failure.Message
}

// failure is the listing's own failure once every row is written: nil when
// every Workflow was described.
func (f *listFailures) failure() error {
	if f.count == 0 {
		return nil
	}
	return lines.NotDescribed(f.count, f.code)
}
