package cli

import "flag"

// heartbeatOptions are heartbeat's own options: its details. The server
// answers a heartbeat with whether cancellation was requested: exit 5.
func (c *command) heartbeatOptions(fs *flag.FlagSet) {
	fs.Var(&c.details, "details", "heartbeat details, a text")
}
