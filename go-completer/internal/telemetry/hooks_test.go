package telemetry

import (
	"context"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/async-completion/go-completer/internal/model"
)

// recording turns traces on for one test with spans kept in memory.
func recording(t *testing.T) *tracetest.SpanRecorder {
	t.Helper()
	recorder := tracetest.NewSpanRecorder()
	provider := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(recorder))
	before := state.tracer
	state.tracer = provider.Tracer("test")
	t.Cleanup(func() { state.tracer = before })
	return recorder
}

func attributes(s sdktrace.ReadOnlySpan) map[string]string {
	found := map[string]string{}
	for _, kv := range s.Attributes() {
		found[string(kv.Key)] = kv.Value.Emit()
	}
	return found
}

var job = &model.Job{Verb: "complete", Target: model.Target{WorkflowID: "wf", ActivityID: "1", RunID: "r", Attempt: 2}}

func TestAJobOutsideARequestHasASpanOfItsOwn(t *testing.T) {
	recorder := recording(t)
	_, span := StartJob(context.Background(), job)
	span.End(false, nil)
	ended := recorder.Ended()
	if len(ended) != 1 || ended[0].Name() != "completer.complete" {
		t.Fatalf("spans: %v", ended)
	}
	got := attributes(ended[0])
	if got[AttrWorkflowID] != "wf" || got[AttrAttempt] != "2" || got[AttrOutcome] != "ok" {
		t.Errorf("attributes: %v", got)
	}
}

func TestAJobInARequestIsTracedOnTheRequestsSpan(t *testing.T) {
	recorder := recording(t)
	ctx, request := state.tracer.Start(context.Background(), "POST")
	jobCtx, span := StartJob(InRequest(ctx), job)
	_, done := Call(jobCtx, "history", true)
	done(nil)
	span.End(false, nil) // the request's span is serve's to end
	if n := len(recorder.Ended()); n != 1 {
		t.Fatalf("%d spans ended before the request's: %v", n, recorder.Ended())
	}
	request.End()
	ended := recorder.Ended()
	if len(ended) != 2 || ended[1].Name() != "POST" {
		t.Fatalf("spans: %v", ended)
	}
	got := attributes(ended[1])
	if got[AttrVerb] != "complete" || got[AttrWorkflowID] != "wf" || got[AttrActivityID] != "1" || got[AttrRunID] != "r" {
		t.Errorf("the request's span lacks the job's attributes: %v", got)
	}
	if parent := ended[0].Parent().SpanID(); ended[0].Name() != "completer.history" || parent != ended[1].SpanContext().SpanID() {
		t.Errorf("the history read is not the request's child: %s, parent %s", ended[0].Name(), parent)
	}
}
