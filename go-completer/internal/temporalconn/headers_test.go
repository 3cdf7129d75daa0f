package temporalconn

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"go.temporal.io/sdk/client"
)

// recordingService is a Temporal frontend that answers the by-IDs completion
// and records what reached it: the request and its headers.
type recordingService struct {
	workflowservice.UnimplementedWorkflowServiceServer
	mu       sync.Mutex
	requests []*workflowservice.RespondActivityTaskCompletedByIdRequest
	headers  []metadata.MD
}

func (s *recordingService) GetSystemInfo(context.Context, *workflowservice.GetSystemInfoRequest) (*workflowservice.GetSystemInfoResponse, error) {
	return &workflowservice.GetSystemInfoResponse{}, nil
}

func (s *recordingService) RespondActivityTaskCompletedById(ctx context.Context, req *workflowservice.RespondActivityTaskCompletedByIdRequest) (*workflowservice.RespondActivityTaskCompletedByIdResponse, error) {
	if req.GetWorkflowId() == "server-internal" {
		return nil, status.Error(codes.Internal, "the server failed")
	}
	md, _ := metadata.FromIncomingContext(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, req)
	s.headers = append(s.headers, md)
	return &workflowservice.RespondActivityTaskCompletedByIdResponse{}, nil
}

func startRecordingService(t *testing.T) (*recordingService, string) {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	service := &recordingService{}
	server := grpc.NewServer()
	workflowservice.RegisterWorkflowServiceServer(server, service)
	go func() { _ = server.Serve(listener) }()
	t.Cleanup(server.Stop)
	return service, listener.Addr().String()
}

// A Workflow ID that is not printable ASCII reaches the server as it is:
// the SDK's routing header would make gRPC refuse the call inside the
// client, so it is left out; a printable ID keeps it.
func TestWorkflowIDsThatAHeaderCannotCarryReachTheServer(t *testing.T) {
	cleanEnvironment(t)
	service, address := startRecordingService(t)
	options, err := Options(Flags{Address: address, RPCTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := Dial(ctx, options)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	ids := []string{"order 42", "tab\there", "new\nline", "bell\a", "Müller", "注文-7", "🦊", "<script>alert(1)</script>", "שלום"}
	for _, id := range ids {
		if err := c.CompleteActivityByID(ctx, "default", id, "", "1", "done", nil); err != nil {
			t.Fatalf("completing %q: %v", id, err)
		}
	}
	service.mu.Lock()
	defer service.mu.Unlock()
	if len(service.requests) != len(ids) {
		t.Fatalf("the server received %d requests, want %d", len(service.requests), len(ids))
	}
	for i, id := range ids {
		if got := service.requests[i].GetWorkflowId(); got != id {
			t.Errorf("the server received Workflow ID %q, want %q", got, id)
		}
		got := service.headers[i].Get(resourceIDHeader)
		var want []string
		if allPrintable([]string{id}) {
			want = []string{"workflow:" + id}
		}
		if len(got) != len(want) || (len(want) == 1 && got[0] != want[0]) {
			t.Errorf("%s for %q: %q, want %q", resourceIDHeader, id, got, want)
		}
	}
}

// A request that gRPC refuses inside the client is marked as not sent; one
// that the server answered, even with the same code, is not.
func TestARequestRefusedInsideTheClientIsMarkedNotSent(t *testing.T) {
	cleanEnvironment(t)
	service, address := startRecordingService(t)
	options, err := Options(Flags{Address: address, RPCTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// An API key with an accent: gRPC refuses the authorization header.
	withKey := options
	withKey.Credentials = client.NewAPIKeyStaticCredentials("clé")
	_, err = Dial(ctx, withKey)
	if message, ok := NotSent(err); !ok || message != `header key "authorization" contains value with non-printable ASCII characters` {
		t.Errorf("dial with a non-ASCII API key: %v; NotSent = %q, %v", err, message, ok)
	}

	c, err := Dial(ctx, options)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	err = c.CompleteActivityByID(ctx, "default", "server-internal", "", "1", "done", nil)
	if err == nil {
		t.Fatal("the server's Internal error was not returned")
	}
	if message, ok := NotSent(err); ok {
		t.Errorf("an answer of the server is marked not sent: %q", message)
	}
	if len(service.requests) != 0 {
		t.Errorf("the server recorded %d completions", len(service.requests))
	}
}
