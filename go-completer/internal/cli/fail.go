package cli

import "flag"

// failOptions are fail's own options: the failure's message, and whether the
// server may retry the Activity (non-retryable unless --retryable, because a
// person failing an Activity by hand usually means it).
func (c *command) failOptions(fs *flag.FlagSet) {
	fs.StringVar(&c.reason, "reason", "", "the failure's message (required)")
	fs.BoolVar(&c.retryable, "retryable", false, "record a retryable failure")
}
