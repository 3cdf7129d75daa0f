// Package temporalconn turns Temporal's environment configuration and the
// command line's connection options into client options, and connects. Every
// program of the project reads the same configuration (TEMPORAL_ADDRESS,
// TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE, ...); the completer's --address and
// --namespace override it.
package temporalconn

import (
	"log/slog"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"google.golang.org/grpc"
)

// Flags are the connection options of the command line. An empty Address or
// Namespace was not given.
type Flags struct {
	Address    string
	Namespace  string
	RPCTimeout time.Duration
}

// Options reads Temporal's environment configuration and applies flags on top
// of it. Its errors are *lines.Failure: a configuration that cannot be loaded,
// or an address that cannot be dialled as given.
func Options(flags Flags) (client.Options, error) {
	options, err := loadConfig()
	if err != nil {
		return client.Options{}, err
	}
	if flags.Address != "" {
		options.HostPort = flags.Address
	}
	if flags.Namespace != "" {
		options.Namespace = flags.Namespace
	}
	if options.HostPort == "" {
		options.HostPort = client.DefaultHostPort
	}
	if options.Namespace == "" {
		options.Namespace = client.DefaultNamespace
	}
	if err := checkAddress(options.HostPort); err != nil {
		return client.Options{}, err
	}
	// The SDK logs to standard error by default; a failure must print nothing
	// there but its one "error: " line.
	options.Logger = log.NewStructuredLogger(slog.New(slog.DiscardHandler))
	// Bound every call by --rpc-timeout rather than by the SDK's defaults (5 s
	// to reach the server, 10 s per call), so the bound the user gave is the
	// one that holds, longer or shorter.
	options.RPCTimeout = flags.RPCTimeout
	options.ConnectionOptions.GetSystemInfoTimeout = flags.RPCTimeout
	options.ConnectionOptions.DialOptions = append(options.ConnectionOptions.DialOptions,
		routingHeaderOption(), grpc.WithStatsHandler(answerStats{}))
	return options, nil
}

// TLS reports whether the configuration turned TLS on: a TEMPORAL_TLS*
// setting, a profile with tls, or an API key.
func TLS(options client.Options) bool {
	return options.ConnectionOptions.TLS != nil
}
