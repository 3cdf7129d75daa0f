package temporalconn

import (
	"context"
	"io"

	"go.temporal.io/sdk/client"
	"google.golang.org/grpc/grpclog"
)

// Dial connects to the server of options, bounded by ctx.
func Dial(ctx context.Context, options client.Options) (client.Client, error) {
	return client.DialContext(ctx, options)
}

// SilenceGRPC discards gRPC's own log. gRPC logs connection errors to standard
// error by itself; the completer's only line there must be its own "error: "
// line. Call it first thing: gRPC's logger may not be set once gRPC runs.
func SilenceGRPC() {
	grpclog.SetLoggerV2(grpclog.NewLoggerV2(io.Discard, io.Discard, io.Discard))
}
