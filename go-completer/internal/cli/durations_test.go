package cli

import (
	"testing"
	"time"
)

func TestParseRPCTimeout(t *testing.T) {
	tests := []struct {
		text string
		want time.Duration
	}{
		{"500ms", 500 * time.Millisecond},
		{"10s", 10 * time.Second},
		{"1m", time.Minute},
		{"1.5s", 1500 * time.Millisecond},
		{"2.25m", 135 * time.Second},
		{"0.5ms", 500 * time.Microsecond},
		{"3", 3 * time.Second},
		{"0.25", 250 * time.Millisecond},
		{"007s", 7 * time.Second},
	}
	for _, tt := range tests {
		got, err := ParseRPCTimeout(tt.text)
		if err != nil {
			t.Errorf("ParseRPCTimeout(%q): %v", tt.text, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseRPCTimeout(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestParseRPCTimeoutRefuses(t *testing.T) {
	for _, text := range []string{
		"", "s", "ms", "10 s", " 10s", "10s ", "-1s", "+1s", "1h", "1m30s", "1us", "10S", ".5s", "1.s", "1e3", "0", "0s", "0.0000000001s",
		"99999999999999999999m", "ten", "NaN", "Inf",
	} {
		if got, err := ParseRPCTimeout(text); err == nil {
			t.Errorf("ParseRPCTimeout(%q) = %v, want an error", text, got)
		}
	}
}
