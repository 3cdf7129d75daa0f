package telemetry

import (
	"context"
	"errors"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/async-completion/go-completer/internal/lines"
	"github.com/async-completion/go-completer/internal/model"
)

// state is what is turned on; nil: off. It is set once, before anything is
// served or sent.
var state struct {
	metrics *Metrics
	tracer  trace.Tracer
}

// Current is the metrics turned on, or nil.
func Current() *Metrics { return state.metrics }

// UseMetrics turns metrics on (nil turns them off).
func UseMetrics(m *Metrics) { state.metrics = m }

// Tracer is the tracer turned on, or nil.
func Tracer() trace.Tracer { return state.tracer }

func noDone(error) {}

// Call is one request to Temporal about to be made: counted by operation
// and result (the gRPC status code's name) and timed by the func it
// returns, which takes the request's error; with traced, a child span
// completer.OPERATION of ctx's span.
func Call(ctx context.Context, operation string, traced bool) (context.Context, func(error)) {
	m, tracer := state.metrics, state.tracer
	if m == nil && (tracer == nil || !traced) {
		return ctx, noDone
	}
	var span trace.Span
	if traced && tracer != nil {
		ctx, span = tracer.Start(ctx, "completer."+operation)
	}
	began := time.Now()
	return ctx, func(err error) {
		if m != nil {
			m.Temporal(operation, ResultOf(err), time.Since(began))
		}
		if span != nil {
			span.End()
		}
	}
}

// requestKey marks a context whose span is a serve request's.
type requestKey struct{}

// InRequest marks ctx, which carries a serve request's span, so that the
// job answered in that request is traced on that span rather than on a
// child of it: one span per request, as in Python, where a span costs
// serve about 0.2 ms of CPU once exported.
func InRequest(ctx context.Context) context.Context {
	return context.WithValue(ctx, requestKey{}, true)
}

// Job is a job's span, ended by End.
type Job struct{ span trace.Span }

// StartJob starts the span of one job, with the Activity's IDs, the attempt
// and the verb: in a serve request (InRequest), the request's own span,
// which serve ends; else a span completer.VERB, child of ctx's span (none on
// the command line). Never the token, the result, a reason or details.
func StartJob(ctx context.Context, j *model.Job) (context.Context, Job) {
	tracer := state.tracer
	if tracer == nil {
		return ctx, Job{}
	}
	t := j.Target
	attributes := []attribute.KeyValue{
		attribute.String(AttrVerb, j.Verb),
		attribute.String(AttrWorkflowID, t.WorkflowID),
		attribute.String(AttrActivityID, t.ActivityID),
	}
	if t.RunID != "" {
		attributes = append(attributes, attribute.String(AttrRunID, t.RunID))
	}
	if t.Attempt != 0 {
		attributes = append(attributes, attribute.Int(AttrAttempt, int(t.Attempt)))
	}
	if ctx.Value(requestKey{}) != nil {
		trace.SpanFromContext(ctx).SetAttributes(attributes...)
		return ctx, Job{}
	}
	ctx, span := tracer.Start(ctx, "completer."+j.Verb, trace.WithAttributes(attributes...))
	return ctx, Job{span: span}
}

// End names the job's outcome on its span and ends it (a request's span:
// serve names the outcome of its answer and ends it).
func (j Job) End(already bool, err error) {
	if j.span == nil {
		return
	}
	code := lines.ExitOK
	if err != nil {
		code = lines.ExitFailure
		var failure *lines.Failure
		if errors.As(err, &failure) {
			code = failure.Code
		}
	}
	j.span.SetAttributes(attribute.String(AttrOutcome, JobOutcome(code, already)))
	j.span.End()
}
