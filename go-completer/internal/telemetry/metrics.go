package telemetry

import (
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the completer_* metrics (docs/completer-http.md, "Seeing it
// run"), in a registry of their own.
type Metrics struct {
	Registry        *prometheus.Registry
	requests        *prometheus.CounterVec
	requestSeconds  *prometheus.HistogramVec
	InFlight        prometheus.Gauge
	jobs            *prometheus.CounterVec
	links           *prometheus.CounterVec
	temporal        *prometheus.CounterVec
	temporalSeconds *prometheus.HistogramVec
	temporalUp      prometheus.Gauge
	// sdk holds the SDK's client metrics (serve's; none in a batch).
	sdk *sdkMetrics
}

// NewMetrics makes serve's metrics, registered in a new registry.
func NewMetrics() *Metrics {
	m := newMetrics()
	m.sdk = newSDKMetrics()
	m.Registry.MustRegister(m.requests, m.requestSeconds, m.InFlight, m.sdk)
	return m
}

// NewBatchMetrics makes a batch's metrics: those of serve but the HTTP ones.
func NewBatchMetrics() *Metrics {
	return newMetrics()
}

func newMetrics() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "completer_http_requests_total",
			Help: "HTTP requests answered, by route, method, status and outcome.",
		}, []string{"route", "method", "status", "outcome"}),
		requestSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "completer_http_request_duration_seconds",
			Help:    "Time from a request's headers to its answer, by route.",
			Buckets: Buckets,
		}, []string{"route"}),
		InFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "completer_http_requests_in_flight",
			Help: "HTTP requests being answered.",
		}),
		jobs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "completer_jobs_total",
			Help: "Jobs answered (serve's job routes, --batch lines), by verb and outcome; `already` is a repeat of what closed the Activity, answered as done.",
		}, []string{"verb", "outcome"}),
		links: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "completer_links_total",
			Help: "Signed link requests by result: acted, shown, invalid, expired, refused, unreachable, failed.",
		}, []string{"result"}),
		temporal: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "completer_temporal_requests_total",
			Help: "Requests to Temporal, by operation and result (a gRPC status code's name).",
		}, []string{"operation", "result"}),
		temporalSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "completer_temporal_request_duration_seconds",
			Help:    "Duration of the requests to Temporal, by operation.",
			Buckets: Buckets,
		}, []string{"operation"}),
		temporalUp: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "completer_temporal_up",
			Help: "1 when the last request to Temporal was answered, 0 when it was not.",
		}),
	}
	m.Registry.MustRegister(m.jobs, m.links, m.temporal, m.temporalSeconds, m.temporalUp)
	return m
}

// statusTexts are the status labels of the statuses serve answers.
var statusTexts = map[int]string{}

func statusText(status int) string {
	if text, ok := statusTexts[status]; ok {
		return text
	}
	return strconv.Itoa(status)
}

func init() {
	for _, status := range []int{200, 400, 401, 403, 404, 405, 409, 410, 413, 415, 500, 503} {
		statusTexts[status] = strconv.Itoa(status)
	}
}

// Request counts one answered request, its duration, and its job or link.
func (m *Metrics) Request(route, method string, status int, outcome string, already bool, elapsed time.Duration) {
	route = RouteLabel(route)
	method = MethodLabel(method)
	m.requests.WithLabelValues(route, method, statusText(status), outcome).Inc()
	m.requestSeconds.WithLabelValues(route).Observe(elapsed.Seconds())
	switch {
	case strings.HasPrefix(route, "/v1/") && method == "POST" && isJobOutcome(outcome):
		if already && outcome == "ok" {
			outcome = "already"
		}
		m.Job(strings.TrimPrefix(route, "/v1/"), outcome)
	case route == LinkRoute && (method == "GET" || method == "HEAD" || method == "POST"):
		m.links.WithLabelValues(linkResult(method, status)).Inc()
	}
}

// Job counts one job by verb and outcome.
func (m *Metrics) Job(verb, outcome string) {
	m.jobs.WithLabelValues(verb, outcome).Inc()
}

// Temporal counts one request to Temporal.
func (m *Metrics) Temporal(operation, result string, elapsed time.Duration) {
	m.temporal.WithLabelValues(operation, result).Inc()
	m.temporalSeconds.WithLabelValues(operation).Observe(elapsed.Seconds())
	if result != "CANCELLED" {
		if down(result) {
			m.temporalUp.Set(0)
		} else {
			m.temporalUp.Set(1)
		}
	}
}
