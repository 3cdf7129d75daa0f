// Command go-completer finishes a Temporal Activity that its Worker left to
// complete asynchronously: it completes, fails, heartbeats or cancels it by its
// task token or its IDs, or decodes a token offline. See docs/completer-cli.md.
package main

import (
	"os"

	"github.com/async-completion/go-completer/internal/cli"
	"github.com/async-completion/go-completer/internal/temporalconn"
)

func main() {
	temporalconn.SilenceGRPC()
	os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
