package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"

	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"
)

// TestMain runs the completer itself when a test starts this test binary as a
// child process with GO_COMPLETER_RUN_MAIN=1: what a signal does to a process
// can only be seen from outside it.
func TestMain(m *testing.M) {
	if os.Getenv("GO_COMPLETER_RUN_MAIN") == "1" {
		main()
	}
	os.Exit(m.Run())
}

// fakeServer answers the two calls a completion by IDs makes: the client's
// GetSystemInfo when it connects, and the completion.
type fakeServer struct {
	workflowservice.UnimplementedWorkflowServiceServer
	completed atomic.Int64
}

func (s *fakeServer) GetSystemInfo(context.Context, *workflowservice.GetSystemInfoRequest) (*workflowservice.GetSystemInfoResponse, error) {
	return &workflowservice.GetSystemInfoResponse{}, nil
}

func (s *fakeServer) RespondActivityTaskCompletedById(context.Context, *workflowservice.RespondActivityTaskCompletedByIdRequest) (*workflowservice.RespondActivityTaskCompletedByIdResponse, error) {
	s.completed.Add(1)
	return &workflowservice.RespondActivityTaskCompletedByIdResponse{}, nil
}

func startFakeServer(t *testing.T) (*fakeServer, string) {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fake := &fakeServer{}
	server := grpc.NewServer()
	workflowservice.RegisterWorkflowServiceServer(server, fake)
	go server.Serve(listener)
	t.Cleanup(server.Stop)
	return fake, listener.Addr().String()
}

// runWithClosedStdout runs the completer with a standard output pipe whose
// reading end is already closed, as `| head -1` leaves it once head is done.
func runWithClosedStdout(t *testing.T, address, stdin string, args ...string) (*os.ProcessState, string) {
	t.Helper()
	readEnd, writeEnd, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	readEnd.Close()
	defer writeEnd.Close()

	cmd := exec.Command(os.Args[0], args...)
	for _, variable := range os.Environ() {
		if !strings.HasPrefix(variable, "TEMPORAL_") {
			cmd.Env = append(cmd.Env, variable)
		}
	}
	cmd.Env = append(cmd.Env, "GO_COMPLETER_RUN_MAIN=1", "TEMPORAL_ADDRESS="+address, "TEMPORAL_CONFIG_FILE="+t.TempDir()+"/none.toml")
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Stdout = writeEnd
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatalf("running the completer: %v", err)
		}
	}
	return cmd.ProcessState, stderr.String()
}

func TestAClosedStandardOutputDoesNotKillTheCompleter(t *testing.T) {
	t.Run("a batch sends every job", func(t *testing.T) {
		fake, address := startFakeServer(t)
		var jobs strings.Builder
		for i := range 20 {
			fmt.Fprintf(&jobs, "{\"workflow_id\": \"wf-%d\", \"activity_id\": \"1\"}\n", i)
		}
		state, stderr := runWithClosedStdout(t, address, jobs.String(), "complete", "--batch", "-", "--concurrency", "4")
		want := "error: could not write to standard output (broken pipe): all 20 jobs were sent, 20 succeeded; the lines of 20 jobs were not written\n"
		if state.ExitCode() != 1 || stderr != want {
			t.Errorf("completer ended %v, stderr %q\nwant exit status 1, %q", state, stderr, want)
		}
		if got := fake.completed.Load(); got != 20 {
			t.Errorf("the server received %d completions, want 20", got)
		}
	})
	t.Run("a single completion says it succeeded", func(t *testing.T) {
		fake, address := startFakeServer(t)
		state, stderr := runWithClosedStdout(t, address, "", "complete", "--workflow-id", "wf", "--activity-id", "1")
		want := "error: could not write to standard output (broken pipe): the request was sent and succeeded\n"
		if state.ExitCode() != 1 || stderr != want {
			t.Errorf("completer ended %v, stderr %q\nwant exit status 1, %q", state, stderr, want)
		}
		if got := fake.completed.Load(); got != 1 {
			t.Errorf("the server received %d completions, want 1", got)
		}
	})
}
