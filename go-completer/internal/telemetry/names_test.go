package telemetry

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"go.temporal.io/api/serviceerror"

	"github.com/async-completion/go-completer/internal/lines"
)

func TestResultOf(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{nil, "OK"},
		{serviceerror.NewNotFound("gone"), "NOT_FOUND"},
		{fmt.Errorf("wrapped: %w", serviceerror.NewUnavailable("down")), "UNAVAILABLE"},
		{context.DeadlineExceeded, "DEADLINE_EXCEEDED"},
		{context.Canceled, "CANCELLED"},
		{errors.New("something else"), "UNKNOWN"},
	} {
		if got := ResultOf(c.err); got != c.want {
			t.Errorf("ResultOf(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}

func TestLabels(t *testing.T) {
	if got := RouteLabel("/a/v1.abcdef…"); got != LinkRoute {
		t.Errorf("a link's route is %q, want %q: never the link", got, LinkRoute)
	}
	if RouteLabel("") != None || RouteLabel("/v1/complete") != "/v1/complete" {
		t.Error("route labels")
	}
	if MethodLabel("BREW") != "other" || MethodLabel("POST") != "POST" {
		t.Error("method labels: a caller must not grow the label set")
	}
	for status, want := range map[int]string{200: "shown", 403: "invalid", 410: "expired", 409: "refused", 503: "unreachable", 500: "failed"} {
		if got := linkResult("GET", status); got != want {
			t.Errorf("linkResult(GET, %d) = %q, want %q", status, got, want)
		}
	}
	if linkResult("POST", 200) != "acted" {
		t.Error("a POST answered 200 acted")
	}
	if JobOutcome(lines.ExitOK, true) != "already" || JobOutcome(lines.ExitRefused, false) != "refused" {
		t.Error("job outcomes")
	}
}

func TestWanted(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{}, false},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, true},
		{map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://c:4318/v1/traces"}, true},
		{map[string]string{"OTEL_TRACES_EXPORTER": "otlp"}, true},
		{map[string]string{"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, false},
		{map[string]string{"OTEL_TRACES_EXPORTER": "console"}, false},
		{map[string]string{"OTEL_SDK_DISABLED": "true", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, false},
	} {
		if got := Wanted(func(k string) string { return c.env[k] }); got != c.want {
			t.Errorf("Wanted(%v) = %v, want %v", c.env, got, c.want)
		}
	}
}
