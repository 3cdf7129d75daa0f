// Command go-completer finishes a Temporal Activity that its Worker left to
// complete asynchronously: it completes, fails, heartbeats or cancels it by its
// task token or its IDs, or decodes a token offline. See docs/completer-cli.md.
package main

import (
	"os"
	"os/signal"
	"syscall"

	"github.com/async-completion/go-completer/internal/cli"
	"github.com/async-completion/go-completer/internal/telemetry"
	"github.com/async-completion/go-completer/internal/temporalconn"
)

func main() {
	temporalconn.SilenceGRPC()
	// Without this, Go kills a program that writes to a closed standard output
	// with SIGPIPE (os/signal, "SIGPIPE"): a batch piped into `head -1` would
	// die with jobs unsent and nothing said. With SIGPIPE delivered to a
	// channel instead, the write fails with EPIPE and the completer says what
	// was sent (docs/completer-cli.md). Nobody reads the channel: dropped
	// signals are what we want.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	// Traces, when the OTEL_* environment asks for them, are sent before the
	// exit: os.Exit runs no deferred call.
	telemetry.StartTracing("go-completer")
	code := cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	telemetry.FinishTracing()
	os.Exit(code)
}
