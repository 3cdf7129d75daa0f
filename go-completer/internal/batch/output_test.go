package batch

import (
	"bytes"
	"errors"
	"testing"

	"github.com/async-completion/go-completer/internal/lines"
	"github.com/async-completion/go-completer/internal/model"
)

func TestOutputSummary(t *testing.T) {
	tests := []struct {
		name     string
		codes    []int
		wantCode int
		want     string
	}{
		{"no jobs", nil, lines.ExitOK, ""},
		{"all ok", []int{0, 0, 0}, lines.ExitOK, ""},
		{"one refused", []int{0, 3, 0}, lines.ExitRefused,
			"1 of 3 jobs did not succeed (1 refused, 0 malformed, 0 unreachable, 0 other errors); see the JSON lines on standard output"},
		{"every kind", []int{0, 2, 3, 3, 4, 1, 0, 2}, lines.ExitUnreachable,
			"6 of 8 jobs did not succeed (2 refused, 2 malformed, 1 unreachable, 1 other errors); see the JSON lines on standard output"},
		{"malformed only", []int{2}, lines.ExitUsage,
			"1 of 1 jobs did not succeed (0 refused, 1 malformed, 0 unreachable, 0 other errors); see the JSON lines on standard output"},
		{"other errors rank below malformed", []int{1, 2}, lines.ExitUsage,
			"2 of 2 jobs did not succeed (0 refused, 1 malformed, 0 unreachable, 1 other errors); see the JSON lines on standard output"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			b := NewOutput(&out, &out, false, len(tt.codes))
			for i, code := range tt.codes {
				b.Add(model.Outcome{Line: i + 1, Code: code, Message: "m"})
			}
			err := b.Summary(len(tt.codes))
			if tt.want == "" {
				if err != nil {
					t.Errorf("Summary() = %v, want none", err)
				}
				return
			}
			var exitErr *lines.Failure
			if !errors.As(err, &exitErr) || exitErr.Code != tt.wantCode || exitErr.Message != tt.want {
				t.Errorf("Summary() = %v\nwant %d %q", err, tt.wantCode, tt.want)
			}
		})
	}
}
