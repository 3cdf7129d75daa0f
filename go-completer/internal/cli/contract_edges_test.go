package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/async-completion/go-completer/internal/lines"
)

// The cases of issue 8: found by trying the completer as a new user would.

func TestRunChecksTheConnectionSettingsAfterTheInputBeforeConnecting(t *testing.T) {
	tokenHex, _ := fixtureToken(t)
	scheme := "error: the Temporal address starts with \"http://\": give HOST:PORT without a scheme, for example localhost:7233, in --address or TEMPORAL_ADDRESS\n"
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		want    string
		wantOut string
	}{
		{"an address with a scheme", nil, []string{"--tasktoken", tokenHex, "--address", "http://127.0.0.1:7233"}, scheme, ""},
		{"an address with a scheme from the environment", map[string]string{"TEMPORAL_ADDRESS": "http://127.0.0.1:7233"},
			[]string{"heartbeat", "--workflow-id", "w", "--activity-id", "1"}, scheme, ""},
		{"a profile that is not there", map[string]string{"TEMPORAL_PROFILE": "nope"}, []string{"--tasktoken", tokenHex},
			"error: the Temporal profile \"nope\" is not in the configuration file \"CONFIG\": set TEMPORAL_PROFILE to one of its profiles, or unset it\n", ""},
		{"order: the token before the settings", map[string]string{"TEMPORAL_PROFILE": "nope"}, []string{"--tasktoken", "xyz", "--address", "http://h:1"},
			"error: " + `the task token is not hex: "x" at position 1 is not 0-9 or a-f; copy the taskToken= value from the Worker's log` + "\n", ""},
		{"order: the payload size before the settings", nil,
			[]string{"--tasktoken", tokenHex, "--address", "http://h:1", "--result", strings.Repeat("x", 2097119)},
			"error: the result is 2097153 bytes once encoded, more than the 2097152 bytes the server accepts (its blob size limit): send a smaller result, or a reference to where the data is\n", ""},
		{"a batch reports its malformed lines first", map[string]string{"TEMPORAL_ADDRESS": "http://127.0.0.1:7233"},
			[]string{"complete", "--batch", "JOBS"}, scheme,
			`{"line":1,"outcome":"malformed","code":2,"message":"the task token is not hex: \"x\" at position 1 is not 0-9 or a-f; copy the taskToken= value from the Worker's log"}` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cleanEnvironment(t)
			config := os.Getenv("TEMPORAL_CONFIG_FILE")
			for name, value := range tt.env {
				t.Setenv(name, value)
			}
			jobs := filepath.Join(t.TempDir(), "jobs.txt")
			if err := os.WriteFile(jobs, []byte("xyz\n"+tokenHex+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			args := make([]string, len(tt.args))
			for i, arg := range tt.args {
				args[i] = strings.ReplaceAll(arg, "JOBS", jobs)
			}
			h := &harness{fake: &fakeClient{}}
			code, stdout, stderr := h.run(t, args...)
			want := strings.ReplaceAll(tt.want, "CONFIG", config)
			if code != lines.ExitUsage || stderr != want || stdout != tt.wantOut {
				t.Errorf("run = %d, stdout %q, stderr %q\nwant 2, stdout %q, stderr %q", code, stdout, stderr, tt.wantOut, want)
			}
			if len(h.dialed) != 0 || len(h.fake.calls) != 0 {
				t.Errorf("dialled %d times, sent %d requests; want none", len(h.dialed), len(h.fake.calls))
			}
		})
	}
}

func TestRunWithStandardOutputClosed(t *testing.T) {
	tokenHex, _ := fixtureToken(t)
	jobs := func(n int, malformed string) string {
		var b strings.Builder
		b.WriteString(malformed)
		for i := range n {
			fmt.Fprintf(&b, "{\"workflow_id\": \"wf-%d\", \"activity_id\": \"1\"}\n", i)
		}
		return b.String()
	}
	tests := []struct {
		name     string
		args     []string
		stdin    string
		okWrites int
		wantCode int
		want     string
		wantSent int
	}{
		{"a single request", []string{"complete", "--tasktoken", tokenHex}, "", 0, lines.ExitFailure,
			"error: could not write to standard output (broken pipe): the request was sent and succeeded\n", 1},
		{"a batch of ok jobs", []string{"complete", "--batch", "-", "--concurrency", "3"}, jobs(5, ""), 0, lines.ExitFailure,
			"error: could not write to standard output (broken pipe): all 5 jobs were sent, 5 succeeded; the lines of 5 jobs were not written\n", 5},
		{"a batch closed after two lines, with a malformed line", []string{"fail", "--batch", "-", "--reason", "r", "--concurrency", "1"},
			jobs(6, "xyz\n"), 2, lines.ExitUsage,
			"error: could not write to standard output (broken pipe): all 6 jobs were sent, 6 succeeded; the lines of 5 jobs were not written\n", 6},
		{"inspect", []string{"inspect", "--tasktoken", tokenHex}, "", 0, lines.ExitFailure,
			"error: could not write to standard output (broken pipe)\n", 0},
		{"help", []string{"--help"}, "", 0, lines.ExitFailure, "error: could not write to standard output (broken pipe)\n", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cleanEnvironment(t)
			h := &harness{fake: &fakeClient{}, stdin: tt.stdin, stdout: &closingWriter{okWrites: tt.okWrites}}
			code, stdout, stderr := h.run(t, tt.args...)
			if code != tt.wantCode || stderr != tt.want {
				t.Errorf("run = %d, stderr %q\nwant %d, %q", code, stderr, tt.wantCode, tt.want)
			}
			if got := strings.Count(stdout, "\n"); got != tt.okWrites {
				t.Errorf("%d lines written, want %d", got, tt.okWrites)
			}
			if len(h.fake.calls) != tt.wantSent {
				t.Errorf("sent %d requests, want %d", len(h.fake.calls), tt.wantSent)
			}
			if tt.okWrites > 0 && h.stdout.writes != tt.okWrites+1 {
				t.Errorf("%d writes, want none after the first that failed", h.stdout.writes)
			}
		})
	}
}

func TestRunBatchReadsAFileWithAByteOrderMark(t *testing.T) {
	tok := tokenFor(t, "wf-1")
	want := `{"line":1,"outcome":"ok","code":0,"message":"Completed Activity \"1\" of Workflow \"wf-1\" (attempt 1)"}` + "\n" +
		`{"line":3,"outcome":"ok","code":0,"message":"Completed Activity \"1\" of Workflow \"w\""}` + "\n"
	for _, ending := range []string{"\n", "\r\n"} {
		data := "\ufeff" + tok + ending + "# a comment" + ending + `{"workflow_id": "w", "activity_id": "1"}` + ending
		t.Run(fmt.Sprintf("standard input, lines ending %q", ending), func(t *testing.T) {
			cleanEnvironment(t)
			h := &harness{fake: &fakeClient{}, stdin: data}
			code, stdout, stderr := h.run(t, "complete", "--batch", "-", "--concurrency", "1")
			if code != lines.ExitOK || stderr != "" || stdout != want {
				t.Errorf("run = %d, stdout %q, stderr %q\nwant 0, %q", code, stdout, stderr, want)
			}
		})
		t.Run(fmt.Sprintf("a file, lines ending %q", ending), func(t *testing.T) {
			cleanEnvironment(t)
			path := filepath.Join(t.TempDir(), "jobs.txt")
			if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
				t.Fatal(err)
			}
			h := &harness{fake: &fakeClient{}}
			code, stdout, stderr := h.run(t, "complete", "--batch", path, "--concurrency", "1")
			if code != lines.ExitOK || stderr != "" || stdout != want {
				t.Errorf("run = %d, stdout %q, stderr %q\nwant 0, %q", code, stdout, stderr, want)
			}
		})
	}
	t.Run("a mark that does not start the batch is no mark", func(t *testing.T) {
		cleanEnvironment(t)
		h := &harness{fake: &fakeClient{}, stdin: tok + "\n\ufeff" + tok + "\n"}
		code, stdout, _ := h.run(t, "complete", "--batch", "-", "--concurrency", "1")
		if code != lines.ExitUsage || !strings.Contains(stdout, `{"line":2,"outcome":"malformed","code":2,"message":"the task token is not hex: \"`+"\ufeff"+`\" at position 1`) {
			t.Errorf("run = %d, stdout %q", code, stdout)
		}
	})
}
