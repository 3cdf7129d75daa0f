package cli

import (
	"github.com/async-completion/go-completer/internal/lines"
	"github.com/async-completion/go-completer/internal/tasktoken"
)

// inspect decodes --tasktoken offline and prints it as JSON: it contacts no
// server, so it works where the completer cannot reach one.
func (r *runner) inspect(cmd *command) error {
	text, err := tokenText(cmd, r.stdin)
	if err != nil {
		return err
	}
	token, err := parseToken(text)
	if err != nil {
		return err
	}
	out, err := tasktoken.InspectJSON(token.Task)
	if err != nil {
		return err
	}
	if _, err := r.stdout.Write(out); err != nil {
		return lines.StdoutFailed(lines.OSReason(err))
	}
	return nil
}
