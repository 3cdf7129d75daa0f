package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"
)

// slowServer holds each completion until the test releases it.
type slowServer struct {
	workflowservice.UnimplementedWorkflowServiceServer
	received chan struct{}
	release  chan struct{}
}

func (s *slowServer) GetSystemInfo(context.Context, *workflowservice.GetSystemInfoRequest) (*workflowservice.GetSystemInfoResponse, error) {
	return &workflowservice.GetSystemInfoResponse{}, nil
}

func (s *slowServer) RespondActivityTaskCompletedById(context.Context, *workflowservice.RespondActivityTaskCompletedByIdRequest) (*workflowservice.RespondActivityTaskCompletedByIdResponse, error) {
	s.received <- struct{}{}
	<-s.release
	return &workflowservice.RespondActivityTaskCompletedByIdResponse{}, nil
}

// TestSIGTERMLetsServeFinishTheRequestInFlightAndExit0 runs serve as a real
// process: a signal can only be seen from outside.
func TestSIGTERMLetsServeFinishTheRequestInFlightAndExit0(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fake := &slowServer{received: make(chan struct{}, 1), release: make(chan struct{})}
	server := grpc.NewServer()
	workflowservice.RegisterWorkflowServiceServer(server, fake)
	go server.Serve(listener)
	t.Cleanup(server.Stop)

	cmd := exec.Command(os.Args[0], "serve", "--listen", "127.0.0.1:0", "--rpc-timeout", "5s")
	for _, variable := range os.Environ() {
		if !strings.HasPrefix(variable, "TEMPORAL_") {
			cmd.Env = append(cmd.Env, variable)
		}
	}
	cmd.Env = append(cmd.Env, "GO_COMPLETER_RUN_MAIN=1", "TEMPORAL_ADDRESS="+listener.Addr().String(), "TEMPORAL_CONFIG_FILE="+t.TempDir()+"/none.toml")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	out := bufio.NewReader(stdout)
	line, err := out.ReadString('\n')
	url, ok := strings.CutPrefix(strings.TrimSuffix(line, "\n"), "Serving on ")
	if err != nil || !ok {
		t.Fatalf("serve printed %q, %v", line, err)
	}

	answered := make(chan string, 1)
	go func() {
		resp, err := http.Post(url+"/v1/complete", "application/json", strings.NewReader(`{"workflow_id":"wf","activity_id":"1"}`))
		if err != nil {
			answered <- err.Error()
			return
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		answered <- resp.Status + " " + string(body)
	}()
	select {
	case <-fake.received:
	case <-time.After(10 * time.Second):
		t.Fatal("the completion never reached the server")
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	close(fake.release)

	want := "200 OK " + `{"outcome":"ok","code":0,"message":"Completed Activity \"1\" of Workflow \"wf\""}` + "\n"
	if got := <-answered; got != want {
		t.Errorf("the request in flight got %q, want %q", got, want)
	}
	rest, _ := io.ReadAll(out)
	if err := cmd.Wait(); err != nil {
		t.Errorf("serve ended with %v, want exit 0; stderr %q", err, stderr.String())
	}
	if len(rest) != 0 || !strings.HasPrefix(stderr.String(), "serve: POST /v1/complete 200 ok ") || strings.Count(stderr.String(), "\n") != 1 {
		t.Errorf("stdout after the first line %q, stderr %q", rest, stderr.String())
	}
}
