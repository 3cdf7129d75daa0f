package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/async-completion/go-completer/internal/lines"
)

func TestRunFailuresPrintOneLine(t *testing.T) {
	cleanEnvironment(t)
	tokenHex, _ := fixtureToken(t)
	tests := []struct {
		name     string
		args     []string
		stdin    string
		sendErr  error
		dialErr  error
		wantCode int
		want     string
		wantSent bool
	}{
		{"usage error", []string{"complete"}, "", nil, nil, lines.ExitUsage,
			"no Activity given: pass --tasktoken HEX, or --workflow-id ID with --activity-id ID (see --help)", false},
		{"bad token", []string{"--tasktoken", "xyz"}, "", nil, nil, lines.ExitUsage,
			`the task token is not hex: "x" at position 1 is not 0-9 or a-f; copy the taskToken= value from the Worker's log`, false},
		{"empty token from standard input", []string{"--tasktoken", "-"}, "", nil, nil, lines.ExitUsage,
			"the task token is empty: copy the taskToken= value from the Worker's log", false},
		{"only the first line of standard input", []string{"--tasktoken", "-"}, "\n" + tokenHex + "\n", nil, nil, lines.ExitUsage,
			"the task token is empty: copy the taskToken= value from the Worker's log", false},
		{"not pending", []string{"--tasktoken", tokenHex}, "", serviceerror.NewNotFound("activity task not found"), nil, lines.ExitRefused,
			`Activity "a1" of Workflow "order-7" (attempt 2) is not pending any more: no such Workflow run in namespace "default"`, true},
		{"cancel requested", []string{"heartbeat", "--workflow-id", "order-7", "--activity-id", "a1"}, "", temporal.NewCanceledError(), nil, lines.ExitCancelled,
			`cancellation was requested for Activity "a1" of Workflow "order-7": stop its work, then report it with the cancel command`, true},
		{"paused, by IDs", []string{"heartbeat", "--workflow-id", "order-7", "--activity-id", "a1"}, "", activity.ErrActivityPaused, nil, lines.ExitCancelled,
			`Activity "a1" of Workflow "order-7" is paused on the server: the heartbeat was recorded; stop its work until it is unpaused`, true},
		{"reset, by token", []string{"heartbeat", "--tasktoken", tokenHex}, "", activity.ErrActivityReset, nil, lines.ExitCancelled,
			`Activity "a1" of Workflow "order-7" (attempt 2) was reset on the server: the heartbeat was recorded; stop its work, its next attempt logs a new token in the Worker's log`, true},
		{"unreachable", []string{"--tasktoken", tokenHex, "--address", "nowhere:1", "--rpc-timeout", "250ms"}, "",
			nil, fmt.Errorf("failed reaching server: %w", serviceerror.NewUnavailable("connection refused")), lines.ExitUnreachable,
			"could not reach the Temporal server at nowhere:1 within 250ms: start one with make server, or point TEMPORAL_ADDRESS or --address at yours", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &harness{fake: &fakeClient{err: tt.sendErr}, dialErr: tt.dialErr, stdin: tt.stdin}
			code, stdout, stderr := h.run(t, tt.args...)
			if code != tt.wantCode || stderr != "error: "+tt.want+"\n" || stdout != "" {
				t.Errorf("run = %d, stdout %q, stderr %q\nwant %d, stderr %q", code, stdout, stderr, tt.wantCode, "error: "+tt.want+"\n")
			}
			if sent := len(h.fake.calls) > 0; sent != tt.wantSent {
				t.Errorf("request sent: %v, want %v", sent, tt.wantSent)
			}
		})
	}
}

func TestRunReadsTheTokenFromStandardInput(t *testing.T) {
	cleanEnvironment(t)
	tokenHex, tokenBytes := fixtureToken(t)
	h := &harness{fake: &fakeClient{}, stdin: "  0x" + strings.ToUpper(tokenHex) + "\r\nsecond line\n"}
	code, stdout, stderr := h.run(t, "--tasktoken", "-")
	if code != lines.ExitOK || stderr != "" {
		t.Fatalf("run = %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	wantCall(t, h.fake.calls[0], "RespondActivityTaskCompleted", tokenBytes)
}

func TestRunConnectionSettings(t *testing.T) {
	tokenHex, _ := fixtureToken(t)
	tests := []struct {
		name          string
		env           map[string]string
		args          []string
		wantAddress   string
		wantNamespace string
		wantTimeout   time.Duration
	}{
		{"defaults", nil, nil, "localhost:7233", "default", 10 * time.Second},
		{"environment", map[string]string{"TEMPORAL_ADDRESS": "env:1", "TEMPORAL_NAMESPACE": "envns"}, nil, "env:1", "envns", 10 * time.Second},
		{"flags override the environment", map[string]string{"TEMPORAL_ADDRESS": "env:1", "TEMPORAL_NAMESPACE": "envns"},
			[]string{"--address", "flag:2", "--namespace", "flagns", "--rpc-timeout", "1m"}, "flag:2", "flagns", time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cleanEnvironment(t)
			for name, value := range tt.env {
				t.Setenv(name, value)
			}
			h := &harness{fake: &fakeClient{}}
			code, _, stderr := h.run(t, append([]string{"--tasktoken", tokenHex}, tt.args...)...)
			if code != lines.ExitOK {
				t.Fatalf("run = %d, stderr %q", code, stderr)
			}
			got := h.dialed[0]
			if got.HostPort != tt.wantAddress || got.Namespace != tt.wantNamespace {
				t.Errorf("dialled %s namespace %s, want %s namespace %s", got.HostPort, got.Namespace, tt.wantAddress, tt.wantNamespace)
			}
			if got.RPCTimeout != tt.wantTimeout || got.ConnectionOptions.GetSystemInfoTimeout != tt.wantTimeout {
				t.Errorf("timeouts %v and %v, want %v", got.RPCTimeout, got.ConnectionOptions.GetSystemInfoTimeout, tt.wantTimeout)
			}
			if got.Logger == nil {
				t.Error("no logger set: the SDK would log to standard error")
			}
		})
	}
}

func TestRunNamesTheNamespaceUsedWhenTheTokenIsForAnother(t *testing.T) {
	cleanEnvironment(t)
	t.Setenv("TEMPORAL_NAMESPACE", "staging")
	tokenHex, _ := fixtureToken(t)
	h := &harness{fake: &fakeClient{err: serviceerror.NewInvalidArgument("Operation requested with a token from a different namespace.")}}
	code, _, stderr := h.run(t, "--tasktoken", tokenHex)
	want := "error: the task token is for another namespace than \"staging\": set --namespace or TEMPORAL_NAMESPACE to the namespace of its Workflow\n"
	if code != lines.ExitRefused || stderr != want {
		t.Errorf("run = %d, %q; want 3, %q", code, stderr, want)
	}
}

func TestRunInspectContactsNoServer(t *testing.T) {
	tokenHex, _ := fixtureToken(t)
	h := &harness{fake: &fakeClient{}}
	code, stdout, stderr := h.run(t, "inspect", "--task-token", tokenHex)
	if code != lines.ExitOK || stderr != "" {
		t.Fatalf("run = %d, stderr %q", code, stderr)
	}
	if len(h.dialed) != 0 {
		t.Error("inspect dialled a server")
	}
	if !strings.HasPrefix(stdout, "{\n  \"namespace_id\": \"ns-id\",\n  \"workflow_id\": \"order-7\",\n") || !strings.HasSuffix(stdout, "\n}\n") {
		t.Errorf("inspect printed %q", stdout)
	}
}

func TestRunHelpGoesToStandardOutput(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"fail", "--help"}, {"inspect", "-help"}} {
		h := &harness{fake: &fakeClient{}}
		code, stdout, stderr := h.run(t, args...)
		if code != lines.ExitOK || stderr != "" || !strings.HasPrefix(stdout, "Usage:\n") {
			t.Errorf("run %q = %d, stdout %q, stderr %q", args, code, stdout, stderr)
		}
	}
}

func TestRunRecoversFromAPanic(t *testing.T) {
	cleanEnvironment(t)
	tokenHex, _ := fixtureToken(t)
	var out, errOut bytes.Buffer
	r := &runner{
		stdin:  strings.NewReader(""),
		stdout: &out,
		stderr: &errOut,
		dial: func(context.Context, client.Options) (temporalClient, error) {
			panic("bug\nin dial")
		},
	}
	code := r.run([]string{"--tasktoken", tokenHex})
	if code != lines.ExitFailure || errOut.String() != "error: internal error: bug in dial\n" || out.Len() != 0 {
		t.Errorf("run = %d, stdout %q, stderr %q", code, out.String(), errOut.String())
	}
}

func TestRunNamesAMissingNamespace(t *testing.T) {
	cleanEnvironment(t)
	tokenHex, _ := fixtureToken(t)
	h := &harness{fake: &fakeClient{err: serviceerror.NewNamespaceNotFound("nosuch")}}
	code, stdout, stderr := h.run(t, "--tasktoken", tokenHex, "--namespace", "nosuch", "--address", "h:7")
	want := "error: namespace \"nosuch\" was not found on the server at h:7: check --namespace or TEMPORAL_NAMESPACE\n"
	if code != lines.ExitRefused || stderr != want || stdout != "" {
		t.Errorf("run = %d, %q; want 3, %q", code, stderr, want)
	}
}

func TestRunReportsAFailedTLSHandshake(t *testing.T) {
	handshake := "error: could not reach the Temporal server at h:1 over TLS: the TLS handshake failed; check TEMPORAL_TLS_SERVER_CA_CERT_PATH (or _DATA) and TEMPORAL_TLS_SERVER_NAME\n"
	unreachable := "error: could not reach the Temporal server at h:1 within 10s: start one with make server, or point TEMPORAL_ADDRESS or --address at yours\n"
	dialErr := fmt.Errorf("failed reaching server: %w", serviceerror.NewUnavailable(
		`connection error: desc = "transport: authentication handshake failed: tls: first record does not look like a TLS handshake"`))
	tests := []struct {
		name    string
		env     map[string]string
		profile string
		want    string
	}{
		{"TEMPORAL_TLS=true", map[string]string{"TEMPORAL_TLS": "true"}, "", handshake},
		{"a server CA", map[string]string{"TEMPORAL_TLS_SERVER_NAME": "temporal.example"}, "", handshake},
		{"an API key", map[string]string{"TEMPORAL_API_KEY": "secret"}, "", handshake},
		{"a profile with tls", nil, "[profile.default]\naddress = \"h:1\"\n[profile.default.tls]\nserver_name = \"temporal.example\"\n", handshake},
		{"TLS turned off", map[string]string{"TEMPORAL_TLS": "false", "TEMPORAL_TLS_SERVER_NAME": "temporal.example"}, "", unreachable},
		{"no TLS configured", nil, "", unreachable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cleanEnvironment(t)
			if tt.profile != "" {
				path := filepath.Join(t.TempDir(), "temporal.toml")
				if err := os.WriteFile(path, []byte(tt.profile), 0o600); err != nil {
					t.Fatal(err)
				}
				t.Setenv("TEMPORAL_CONFIG_FILE", path)
			}
			for name, value := range tt.env {
				t.Setenv(name, value)
			}
			tokenHex, _ := fixtureToken(t)
			h := &harness{fake: &fakeClient{}, dialErr: dialErr}
			code, _, stderr := h.run(t, "--tasktoken", tokenHex, "--address", "h:1")
			if code != lines.ExitUnreachable || stderr != tt.want {
				t.Errorf("run = %d, %q; want 4, %q", code, stderr, tt.want)
			}
		})
	}
}
