package serve

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/async-completion/go-completer/internal/telemetry"
)

// Seeing serve run: each request counted, timed and traced around the
// routes, so that every answer is seen, the guards' too (Python:
// serve/seen.py). What is counted and how is the telemetry package's.

// seen is one request being seen; its end is done.
type seen struct {
	metrics *telemetry.Metrics
	span    trace.Span
	began   time.Time
}

// see starts seeing r: nil when metrics and traces are both off. The
// request it returns carries the request's span.
func see(r *http.Request) (*http.Request, *seen) {
	metrics, tracer := telemetry.Current(), telemetry.Tracer()
	if metrics == nil && tracer == nil {
		return r, nil
	}
	s := &seen{metrics: metrics, began: time.Now()}
	if metrics != nil {
		metrics.InFlight.Inc()
	}
	if tracer != nil {
		ctx := telemetry.Propagator.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
		ctx, s.span = tracer.Start(ctx, telemetry.MethodLabel(r.Method), trace.WithSpanKind(trace.SpanKindServer))
		// The request's span is also the span of the job it answers.
		r = r.WithContext(telemetry.InRequest(ctx))
	}
	return r, s
}

// done ends seeing a request, with what its exchange says of the answer.
func (s *seen) done(r *http.Request, x *exchange) {
	if s == nil {
		return
	}
	status := x.status
	if status == 0 {
		status = http.StatusOK
	}
	outcome := x.outcome
	if outcome == "-" {
		outcome = telemetry.None
	}
	if s.metrics != nil {
		s.metrics.InFlight.Dec()
		s.metrics.Request(x.route, r.Method, status, outcome, x.already, time.Since(s.began))
	}
	if s.span != nil {
		route, method := telemetry.RouteLabel(x.route), telemetry.MethodLabel(r.Method)
		if x.already && outcome == "ok" {
			outcome = "already"
		}
		s.span.SetName(method + " " + route)
		s.span.SetAttributes(
			attribute.String("http.request.method", method),
			attribute.String("http.route", route),
			attribute.Int("http.response.status_code", status),
			attribute.String(telemetry.AttrOutcome, outcome),
		)
		s.span.End()
	}
}

// MetricsHandler serves GET /metrics of serve --metrics-listen: the
// registry's metrics in the Prometheus text format.
func MetricsHandler(m *telemetry.Metrics) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{}))
	return mux
}
