package telemetry

import (
	"context"
	"os"
	"strings"
	"time"

	"github.com/go-logr/logr"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Traces are turned on by the standard OTEL_* environment and nothing else:
// OTLP over HTTP (protobuf) to OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, service OTEL_SERVICE_NAME (default: the
// program's name). OTEL_TRACES_EXPORTER=none or OTEL_SDK_DISABLED=true keeps
// them off whatever else is set; another exporter than otlp is not offered,
// so it keeps them off too.

// flushTimeout bounds how long the end of a program waits for its last spans.
const flushTimeout = 5 * time.Second

var provider *sdktrace.TracerProvider

// Propagator reads an incoming request's traceparent (W3C trace context) and
// baggage.
var Propagator = propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})

// Wanted says whether the environment turns traces on.
func Wanted(getenv func(string) string) bool {
	if strings.EqualFold(strings.TrimSpace(getenv("OTEL_SDK_DISABLED")), "true") {
		return false
	}
	if exporter := strings.ToLower(strings.TrimSpace(getenv("OTEL_TRACES_EXPORTER"))); exporter != "" {
		return exporter == "otlp"
	}
	return strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")) != "" ||
		strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_ENDPOINT")) != ""
}

// StartTracing turns traces on for this process when the environment asks
// for them. A configuration the SDK refuses leaves them off: the program
// goes on.
func StartTracing(program string) {
	if state.tracer != nil || !Wanted(os.Getenv) {
		return
	}
	// Nothing but the program's own lines may reach standard error: an export
	// that fails is no failure of the completer's.
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(error) {}))
	otel.SetLogger(logr.Discard())
	exporter, err := otlptracehttp.New(context.Background())
	if err != nil {
		return
	}
	name := strings.TrimSpace(os.Getenv("OTEL_SERVICE_NAME"))
	if name == "" {
		name = program
	}
	provider = sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exporter),
		sdktrace.WithResource(resource.NewSchemaless(attribute.String("service.name", name))),
	)
	state.tracer = provider.Tracer("github.com/async-completion/go-completer")
}

// FinishTracing sends the spans still waiting (bounded), and turns traces
// off.
func FinishTracing() {
	p := provider
	provider, state.tracer = nil, nil
	if p == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), flushTimeout)
	defer cancel()
	_ = p.ForceFlush(ctx)
	_ = p.Shutdown(ctx)
}
