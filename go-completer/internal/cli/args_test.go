package cli

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/async-completion/go-completer/internal/lines"
)

func TestParseArgsUsageErrors(t *testing.T) {
	noActivity := "no Activity given: pass --tasktoken HEX, or --workflow-id ID with --activity-id ID (see --help)"
	batchAndTarget := "give either --batch or an Activity (--tasktoken or --workflow-id with --activity-id), not both"
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no arguments", nil, noActivity},
		{"verb without a target", []string{"complete"}, noActivity},
		{"verb with options but no target", []string{"heartbeat", "--details", "x", "--rpc-timeout", "1s"}, noActivity},
		{"fail without target or reason", []string{"fail"}, noActivity},
		{"unknown verb", []string{"finish", "--tasktoken", "ab"},
			`unknown command "finish": use complete, fail, heartbeat, cancel, inspect, list, serve or link (see --help)`},
		{"empty verb", []string{""}, `unknown command "": use complete, fail, heartbeat, cancel, inspect, list, serve or link (see --help)`},
		{"unknown option", []string{"complete", "--bogus", "x"}, `unknown option "--bogus": see --help`},
		{"unknown option, bare form", []string{"--bogus"}, `unknown option "--bogus": see --help`},
		{"unknown option with a value", []string{"complete", "--bogus=1"}, `unknown option "--bogus": see --help`},
		{"unknown single-dash option", []string{"-bogus"}, `unknown option "--bogus": see --help`},
		{"three dashes", []string{"---tasktoken", "ab"}, `unknown option "--tasktoken": see --help`},
		{"option of another verb: --result with fail", []string{"fail", "--tasktoken", "ab", "--reason", "r", "--result", "x"}, `unknown option "--result": see --help`},
		{"option of another verb: --reason with complete", []string{"--tasktoken", "ab", "--reason", "r"}, `unknown option "--reason": see --help`},
		{"option of another verb: --details with complete", []string{"complete", "--details", "d"}, `unknown option "--details": see --help`},
		{"option of another verb: --retryable with heartbeat", []string{"heartbeat", "--retryable"}, `unknown option "--retryable": see --help`},
		{"inspect takes no connection options", []string{"inspect", "--tasktoken", "ab", "--address", "a:1"}, `unknown option "--address": see --help`},
		{"inspect takes no IDs", []string{"inspect", "--workflow-id", "w"}, `unknown option "--workflow-id": see --help`},
		{"option without its value", []string{"complete", "--tasktoken"}, `option "--tasktoken" needs a value`},
		{"alias without its value", []string{"--task-token"}, `option "--task-token" needs a value`},
		{"single-dash option without its value", []string{"fail", "--tasktoken", "ab", "-reason"}, `option "--reason" needs a value`},
		{"switch with a value that is not true or false", []string{"fail", "--tasktoken", "ab", "--reason", "r", "--retryable=maybe"}, `option "--retryable" does not take a value`},
		{"positional argument after the verb", []string{"complete", "ab12"}, `unexpected argument "ab12": options take the form --name VALUE (see --help)`},
		{"positional argument after options", []string{"complete", "--tasktoken", "ab", "extra"}, `unexpected argument "extra": options take the form --name VALUE (see --help)`},
		{"positional argument after --", []string{"--tasktoken", "ab", "--", "--result"}, `unexpected argument "--result": options take the form --name VALUE (see --help)`},
		{"a lone dash", []string{"-"}, `unexpected argument "-": options take the form --name VALUE (see --help)`},
		{"bad rpc timeout", []string{"--tasktoken", "ab", "--rpc-timeout", "soon"}, `--rpc-timeout "soon" is not a duration: use for example 10s, 500ms or 1m`},
		{"rpc timeout in hours", []string{"--tasktoken", "ab", "--rpc-timeout=1h"}, `--rpc-timeout "1h" is not a duration: use for example 10s, 500ms or 1m`},
		{"empty rpc timeout", []string{"--tasktoken", "ab", "--rpc-timeout", ""}, `--rpc-timeout "" is not a duration: use for example 10s, 500ms or 1m`},
		{"zero rpc timeout", []string{"--tasktoken", "ab", "--rpc-timeout", "0s"}, `--rpc-timeout "0s" is not a duration: use for example 10s, 500ms or 1m`},
		{"token and IDs", []string{"--tasktoken", "ab", "--workflow-id", "w", "--activity-id", "1"}, "give either --tasktoken or --workflow-id with --activity-id, not both"},
		{"token and run ID", []string{"cancel", "--tasktoken", "ab", "--run-id", "r"}, "give either --tasktoken or --workflow-id with --activity-id, not both"},
		{"empty token and IDs", []string{"--tasktoken=", "--workflow-id", "w", "--activity-id", "1"}, "give either --tasktoken or --workflow-id with --activity-id, not both"},
		{"workflow ID alone", []string{"heartbeat", "--workflow-id", "w"}, "--workflow-id needs --activity-id too: it is on the token line in the Worker's log"},
		{"workflow ID with run ID", []string{"--workflow-id", "w", "--run-id", "r"}, "--workflow-id needs --activity-id too: it is on the token line in the Worker's log"},

		{"run ID alone", []string{"cancel", "--run-id", "r"}, "--run-id needs --activity-id too: it is on the token line in the Worker's log"},
		{"run ID with an empty activity ID", []string{"--activity-id=", "--run-id", "r"}, "--run-id needs --activity-id too: it is on the token line in the Worker's log"},
		{"fail without reason", []string{"fail", "--tasktoken", "ab"}, "fail needs --reason TEXT: say why the Activity failed"},
		{"fail with an empty reason", []string{"fail", "--workflow-id", "w", "--activity-id", "1", "--reason", ""}, "fail needs --reason TEXT: say why the Activity failed"},
		{"inspect without token", []string{"inspect"}, "inspect needs --tasktoken HEX: it decodes a token offline and contacts no server"},

		// --result-file
		{"result and result file", []string{"--tasktoken", "ab", "--result", "r", "--result-file", "f"}, "give either --result or --result-file, not both"},
		{"empty result and empty result file path", []string{"--tasktoken", "ab", "--result=", "--result-file="}, "give either --result or --result-file, not both"},
		{"result file with fail", []string{"fail", "--tasktoken", "ab", "--reason", "r", "--result-file", "f"}, `unknown option "--result-file": see --help`},
		{"result file without its value", []string{"--tasktoken", "ab", "--result-file"}, `option "--result-file" needs a value`},

		// --batch and --concurrency
		{"batch and token", []string{"complete", "--batch", "f", "--tasktoken", "ab"}, batchAndTarget},
		{"batch and an empty token", []string{"complete", "--batch", "f", "--tasktoken="}, batchAndTarget},
		{"batch and IDs", []string{"fail", "--batch", "f", "--workflow-id", "w", "--activity-id", "1"}, batchAndTarget},
		{"batch and a workflow ID alone", []string{"complete", "--batch", "f", "--workflow-id", "w"}, batchAndTarget},
		{"batch and a run ID alone", []string{"complete", "--batch", "f", "--run-id", "r"}, batchAndTarget},
		{"batch with heartbeat", []string{"heartbeat", "--batch", "f"}, `unknown option "--batch": see --help`},
		{"batch with cancel", []string{"cancel", "--batch", "f"}, `unknown option "--batch": see --help`},
		{"concurrency with heartbeat", []string{"heartbeat", "--tasktoken", "ab", "--concurrency", "2"}, `unknown option "--concurrency": see --help`},
		{"batch without its value", []string{"complete", "--batch"}, `option "--batch" needs a value`},
		{"concurrency zero", []string{"complete", "--batch", "f", "--concurrency", "0"}, `--concurrency "0" must be a whole number from 1 to 1000`},
		{"concurrency over 1000", []string{"complete", "--batch", "f", "--concurrency", "1001"}, `--concurrency "1001" must be a whole number from 1 to 1000`},
		{"concurrency negative", []string{"complete", "--batch", "f", "--concurrency=-1"}, `--concurrency "-1" must be a whole number from 1 to 1000`},
		{"concurrency with a sign", []string{"complete", "--batch", "f", "--concurrency", "+5"}, `--concurrency "+5" must be a whole number from 1 to 1000`},
		{"concurrency with spaces", []string{"complete", "--batch", "f", "--concurrency", " 5"}, `--concurrency " 5" must be a whole number from 1 to 1000`},
		{"concurrency not whole", []string{"complete", "--batch", "f", "--concurrency", "1.0"}, `--concurrency "1.0" must be a whole number from 1 to 1000`},
		{"concurrency empty", []string{"complete", "--batch", "f", "--concurrency="}, `--concurrency "" must be a whole number from 1 to 1000`},
		{"concurrency huge", []string{"complete", "--batch", "f", "--concurrency", "99999999999999999999999"}, `--concurrency "99999999999999999999999" must be a whole number from 1 to 1000`},
		{"concurrency in words", []string{"complete", "--batch", "f", "--concurrency", "ten"}, `--concurrency "ten" must be a whole number from 1 to 1000`},

		// Check order: the first fault found is reported.
		{"order: unknown option before a stray argument", []string{"complete", "stray", "--bogus"}, `unexpected argument "stray": options take the form --name VALUE (see --help)`},
		{"order: stray argument before rpc timeout", []string{"complete", "--rpc-timeout", "x", "stray"}, `unexpected argument "stray": options take the form --name VALUE (see --help)`},
		{"order: rpc timeout before concurrency", []string{"complete", "--batch", "f", "--concurrency", "0", "--rpc-timeout", "x"}, `--rpc-timeout "x" is not a duration: use for example 10s, 500ms or 1m`},
		{"order: concurrency before target", []string{"complete", "--concurrency", "0"}, `--concurrency "0" must be a whole number from 1 to 1000`},
		{"order: concurrency is checked without --batch too", []string{"--tasktoken", "ab", "--concurrency", "0"}, `--concurrency "0" must be a whole number from 1 to 1000`},
		{"order: target before reason", []string{"fail", "--workflow-id", "w"}, "--workflow-id needs --activity-id too: it is on the token line in the Worker's log"},
		{"order: target before result and result file", []string{"complete", "--result", "r", "--result-file", "f"}, noActivity},
		{"order: batch and target before result and result file", []string{"complete", "--batch", "f", "--tasktoken", "ab", "--result", "r", "--result-file", "f"}, batchAndTarget},
		{"order: result and result file in a batch", []string{"complete", "--batch", "f", "--result", "r", "--result-file", "f"}, "give either --result or --result-file, not both"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd, err := parseArgs(tt.args)
			var exitErr *lines.Failure
			if !errors.As(err, &exitErr) {
				t.Fatalf("parseArgs(%q) = %+v, %v; want a usage error", tt.args, cmd, err)
			}
			if exitErr.Code != lines.ExitUsage {
				t.Errorf("exit code %d, want %d", exitErr.Code, lines.ExitUsage)
			}
			if exitErr.Message != tt.want {
				t.Errorf("message\n got: %s\nwant: %s", exitErr.Message, tt.want)
			}
		})
	}
}

func TestParseArgsAcceptedForms(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		check func(t *testing.T, c *command)
	}{
		{"bare form is complete", []string{"--tasktoken", "ab12", "--result", "done"}, func(t *testing.T, c *command) {
			wantText(t, "verb", c.verb, verbComplete)
			wantText(t, "token", c.taskToken.value, "ab12")
			wantText(t, "result", c.result, "done")
		}},
		{"alias --task-token", []string{"complete", "--task-token", "ab12"}, func(t *testing.T, c *command) {
			wantText(t, "token", c.taskToken.value, "ab12")
		}},
		{"single-dash long options", []string{"-tasktoken", "ab12", "-result", "r", "-rpc-timeout", "500ms"}, func(t *testing.T, c *command) {
			wantText(t, "token", c.taskToken.value, "ab12")
			wantText(t, "result", c.result, "r")
			if c.rpcTimeout != 500*time.Millisecond {
				t.Errorf("rpcTimeout = %v, want 500ms", c.rpcTimeout)
			}
		}},
		{"--name=value and -name=value", []string{"fail", "--tasktoken=ab12", "-reason=a=b", "--retryable"}, func(t *testing.T, c *command) {
			wantText(t, "token", c.taskToken.value, "ab12")
			wantText(t, "reason", c.reason, "a=b")
			if !c.retryable {
				t.Error("retryable = false, want true")
			}
		}},
		{"fail is non-retryable by default", []string{"fail", "--tasktoken", "ab12", "--reason", "r"}, func(t *testing.T, c *command) {
			if c.retryable {
				t.Error("retryable = true, want false")
			}
		}},
		{"default rpc timeout", []string{"--tasktoken", "ab12"}, func(t *testing.T, c *command) {
			wantText(t, "rpcTimeoutText", c.rpcTimeoutText, "10s")
			if c.rpcTimeout != 10*time.Second {
				t.Errorf("rpcTimeout = %v, want 10s", c.rpcTimeout)
			}
		}},
		{"empty token is a token, found empty later", []string{"--tasktoken", ""}, func(t *testing.T, c *command) {
			if !c.taskToken.set {
				t.Error("token not set")
			}
		}},
		{"IDs with run ID and connection options", []string{"heartbeat", "--workflow-id", "w", "--activity-id", "1", "--run-id", "r", "--address", "h:1", "--namespace", "ns"}, func(t *testing.T, c *command) {
			wantText(t, "workflowID", c.workflowID, "w")
			wantText(t, "activityID", c.activityID, "1")
			wantText(t, "runID", c.runID, "r")
			wantText(t, "address", c.address, "h:1")
			wantText(t, "namespace", c.namespace, "ns")
			if !c.byIDs() {
				t.Error("byIDs() = false, want true")
			}
			if c.details.set {
				t.Error("details set without --details")
			}
		}},
		{"empty details are details", []string{"cancel", "--workflow-id", "w", "--activity-id", "1", "--details", ""}, func(t *testing.T, c *command) {
			if !c.details.set {
				t.Error("details not set by --details \"\"")
			}
		}},
		{"help", []string{"fail", "--tasktoken", "ab", "-h"}, func(t *testing.T, c *command) {
			if !c.help {
				t.Error("help = false, want true")
			}
		}},
		{"result file", []string{"--tasktoken", "ab", "--result-file", "out.txt"}, func(t *testing.T, c *command) {
			wantText(t, "resultFile", c.resultFile.value, "out.txt")
			if c.resultFlag.set {
				t.Error("--result set without --result")
			}
		}},
		{"batch with the default concurrency", []string{"complete", "--batch", "jobs.txt", "--result", "r"}, func(t *testing.T, c *command) {
			wantText(t, "batch", c.batch.value, "jobs.txt")
			wantText(t, "result", c.result, "r")
			if c.concurrency != 64 {
				t.Errorf("concurrency = %d, want 64", c.concurrency)
			}
		}},
		{"batch in the bare form", []string{"--batch", "-"}, func(t *testing.T, c *command) {
			wantText(t, "verb", c.verb, verbComplete)
			wantText(t, "batch", c.batch.value, "-")
		}},
		{"fail batch needs no reason on the command line", []string{"fail", "--batch", "jobs.txt", "--concurrency", "1000"}, func(t *testing.T, c *command) {
			wantText(t, "reason", c.reason, "")
			if c.concurrency != 1000 {
				t.Errorf("concurrency = %d, want 1000", c.concurrency)
			}
		}},
		{"concurrency with leading zeros", []string{"complete", "--batch", "f", "-concurrency=007"}, func(t *testing.T, c *command) {
			if c.concurrency != 7 {
				t.Errorf("concurrency = %d, want 7", c.concurrency)
			}
		}},
		{"an empty batch path is a batch", []string{"complete", "--batch", ""}, func(t *testing.T, c *command) {
			if !c.batch.set {
				t.Error("batch not set by --batch \"\"")
			}
		}},
		{"help alone", []string{"--help"}, func(t *testing.T, c *command) {
			if !c.help {
				t.Error("help = false, want true")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseArgs(tt.args)
			if err != nil {
				t.Fatalf("parseArgs(%q): %v", tt.args, err)
			}
			tt.check(t, c)
		})
	}
}

func wantText(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}

func TestEchoedArgumentsNeverShowAToken(t *testing.T) {
	token := "0a2430316132316565322d613533612d376363362d386437382d333930613235663732383431"
	for _, args := range [][]string{{token}, {"complete", token}} {
		_, err := parseArgs(args)
		if err == nil || strings.Contains(err.Error(), token[:17]) || !strings.Contains(err.Error(), `"0a243031…"`) {
			t.Errorf("parseArgs(%q) error = %v, want the argument cut to 8 characters and …", args[0], err)
		}
	}
	if _, err := parseArgs([]string{"sixteen-chars-ok"}); err == nil || !strings.Contains(err.Error(), `"sixteen-chars-ok"`) {
		t.Errorf("a 16-character argument is echoed whole, got %v", err)
	}
}
