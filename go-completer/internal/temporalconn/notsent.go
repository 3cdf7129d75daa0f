package temporalconn

import (
	"context"
	"errors"
	"sync/atomic"

	"go.temporal.io/api/serviceerror"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/stats"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// A request can fail inside the client, before anything reaches the server:
// gRPC refuses a header value that is not printable ASCII (an API key typed
// with an accent), a message it cannot encode. gRPC reports those with codes
// the server uses too (Internal), and the SDK's error handling then reads
// them as the server's refusal. So each call records whether the server
// answered at all (a stats handler sees the answer's headers or trailers);
// a call that failed with no answer, and not for want of a connection or of
// time, comes back marked as not sent, with a code the SDK does not retry
// (FailedPrecondition, which serviceerror keeps with its details).

// notSentMarker is the detail that marks a call refused inside the client.
const notSentMarker = "async-completer: the request was not sent"

type answerKey struct{}

// answerStats records, in the call's context, that the server answered.
type answerStats struct{}

func (answerStats) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context { return ctx }

func (answerStats) HandleRPC(ctx context.Context, s stats.RPCStats) {
	switch s.(type) {
	case *stats.InHeader, *stats.InTrailer:
		if answered, ok := ctx.Value(answerKey{}).(*atomic.Bool); ok {
			answered.Store(true)
		}
	}
}

func (answerStats) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context { return ctx }

func (answerStats) HandleConn(context.Context, stats.ConnStats) {}

// markNotSent is the innermost interceptor: it marks a call that failed with
// no answer from the server.
func markNotSent(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	answered := new(atomic.Bool)
	err := invoker(context.WithValue(ctx, answerKey{}, answered), method, req, reply, cc, opts...)
	if err == nil || answered.Load() {
		return err
	}
	st := status.Convert(err)
	// Unavailable, DeadlineExceeded, Canceled: no connection, or no time; the
	// lines for those say so already.
	if st.Code() != codes.Internal {
		return err
	}
	marked, markErr := status.New(codes.FailedPrecondition, st.Message()).WithDetails(&wrapperspb.StringValue{Value: notSentMarker})
	if markErr != nil {
		return err
	}
	return marked.Err()
}

// NotSent reports whether err is a call that failed inside the client, and
// gRPC's words for why.
func NotSent(err error) (string, bool) {
	var st *status.Status
	var serviceErr serviceerror.ServiceError
	if errors.As(err, &serviceErr) {
		st = serviceErr.Status()
	} else if s, ok := status.FromError(err); ok {
		st = s
	}
	if st == nil {
		return "", false
	}
	for _, detail := range st.Details() {
		if marker, ok := detail.(*wrapperspb.StringValue); ok && marker.GetValue() == notSentMarker {
			return st.Message(), true
		}
	}
	return "", false
}
