package temporalconn

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

// resourceIDHeader is the routing header the SDK adds to each request,
// "workflow:" and the Workflow ID (or "activity:" and the Activity ID).
const resourceIDHeader = "temporal-resource-id"

// routingHeaderOption keeps the SDK's routing header from refusing requests
// about Workflows whose ID gRPC cannot carry in a header.
//
// Why: sdk-go v1.51.0 copies the Workflow ID of every request into the
// temporal-resource-id header (internal/grpc_dialer.go, temporalHeaderInterceptor,
// through go.temporal.io/api/proxy.ExtractTemporalRequestHeaders; the value
// is built by getWorkflowResourceId in internal/internal_task_pollers.go).
// gRPC allows only printable ASCII (0x20-0x7E) in a header value that is not
// "-bin" (grpc-go internal/metadata.ValidatePair) and fails such a call
// inside the client, before anything is sent: "header key
// "temporal-resource-id" contains value with non-printable ASCII
// characters". Temporal accepts any UTF-8 text as a Workflow ID: a tab, an
// accent, a CJK name, an emoji. The header is a routing hint; the server
// reads the Workflow ID from the request body, and sdk-core (the Python SDK)
// sends no such header at all. So a value gRPC would refuse is dropped, and
// the request goes out as the Python completer's does; a printable one is
// kept as the SDK set it.
//
// The interceptor is chained after the SDK's own (user DialOptions come
// last in its dial), so it sees the header the SDK added. The SDK adds the
// header to unary calls only, and the completer makes no streaming calls.
func routingHeaderOption() grpc.DialOption {
	return grpc.WithChainUnaryInterceptor(dropUnsendableRoutingHeader, markNotSent)
}

func dropUnsendableRoutingHeader(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	md, ok := metadata.FromOutgoingContext(ctx)
	if ok && !allPrintable(md.Get(resourceIDHeader)) {
		md = md.Copy()
		md.Delete(resourceIDHeader)
		ctx = metadata.NewOutgoingContext(ctx, md)
	}
	return invoker(ctx, method, req, reply, cc, opts...)
}

// allPrintable reports whether gRPC accepts every value in a header that is
// not "-bin": printable ASCII only.
func allPrintable(values []string) bool {
	for _, value := range values {
		for i := 0; i < len(value); i++ {
			if value[i] < 0x20 || value[i] > 0x7e {
				return false
			}
		}
	}
	return true
}
