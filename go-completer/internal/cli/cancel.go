package cli

import "flag"

// cancelOptions are cancel's own options: its details. The server accepts a
// cancellation only after one was requested.
func (c *command) cancelOptions(fs *flag.FlagSet) {
	fs.Var(&c.details, "details", "cancellation details, a text")
}
