// Command go-completer finishes a Temporal Activity that its Worker left to
// complete asynchronously: it completes, fails, heartbeats or cancels it by its
// task token or its IDs, or decodes a token offline. See docs/completer-cli.md.
package main

import (
	"io"
	"os"

	"google.golang.org/grpc/grpclog"

	"github.com/async-completion/go-completer/internal/cli"
)

func main() {
	// gRPC logs connection errors to standard error by itself; the completer's
	// only line there must be its own "error: " line.
	grpclog.SetLoggerV2(grpclog.NewLoggerV2(io.Discard, io.Discard, io.Discard))
	os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
