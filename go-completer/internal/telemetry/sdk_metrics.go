package telemetry

import (
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/client"
)

// The SDK's own client metrics (its request counts and latencies), exported
// beside the completer's on serve --metrics-listen (Python: the core's
// MetricBuffer, telemetry/sdk_metrics.py). The SDK hands each metric its tags,
// which differ from one call to the next; a Prometheus metric has one set of
// label names, so sdkMetrics keeps the sums by tag set and makes each metric's
// labels the union of the tags it saw (an absent one is empty, which
// Prometheus reads as absent). Durations are in seconds, in the completer's
// buckets.

const (
	kindCounter = iota
	kindGauge
	kindHistogram
)

type sdkSeries struct {
	kind   int
	values map[string]*sdkValue // by the tags' key
}

type sdkValue struct {
	tags   map[string]string
	value  float64  // a counter's sum, a gauge's value, a histogram's sum
	counts []uint64 // a histogram's counts by bucket (the last: above them all)
}

// sdkMetrics is a prometheus.Collector of what the SDK records.
type sdkMetrics struct {
	mu     sync.Mutex
	series map[string]*sdkSeries
}

func newSDKMetrics() *sdkMetrics { return &sdkMetrics{series: map[string]*sdkSeries{}} }

// Describe sends nothing: the metrics are known once the SDK records them (an
// unchecked collector).
func (s *sdkMetrics) Describe(chan<- *prometheus.Desc) {}

// Collect sends every series.
func (s *sdkMetrics) Collect(out chan<- prometheus.Metric) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for name, series := range s.series {
		var labelNames []string
		for _, v := range series.values {
			for k := range v.tags {
				if !slices.Contains(labelNames, k) {
					labelNames = append(labelNames, k)
				}
			}
		}
		sort.Strings(labelNames)
		desc := prometheus.NewDesc(name, "The Temporal Go SDK's "+name+".", labelNames, nil)
		for _, v := range series.values {
			values := make([]string, len(labelNames))
			for i, k := range labelNames {
				values[i] = v.tags[k]
			}
			switch series.kind {
			case kindCounter:
				out <- prometheus.MustNewConstMetric(desc, prometheus.CounterValue, v.value, values...)
			case kindGauge:
				out <- prometheus.MustNewConstMetric(desc, prometheus.GaugeValue, v.value, values...)
			default:
				buckets := make(map[float64]uint64, len(Buckets))
				var running uint64
				for i, bound := range Buckets {
					running += v.counts[i]
					buckets[bound] = running
				}
				running += v.counts[len(Buckets)]
				out <- prometheus.MustNewConstHistogram(desc, running, v.value, buckets, values...)
			}
		}
	}
}

func (s *sdkMetrics) record(name string, kind int, tags map[string]string, key string, f func(*sdkValue)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	series := s.series[name]
	if series == nil {
		series = &sdkSeries{kind: kind, values: map[string]*sdkValue{}}
		s.series[name] = series
	}
	v := series.values[key]
	if v == nil {
		v = &sdkValue{tags: tags}
		if kind == kindHistogram {
			v.counts = make([]uint64, len(Buckets)+1)
		}
		series.values[key] = v
	}
	f(v)
}

// sdkHandler is the SDK's client.MetricsHandler over sdkMetrics.
type sdkHandler struct {
	metrics *sdkMetrics
	tags    map[string]string
	key     string
}

// SDKHandler is the MetricsHandler to give the SDK's client: what it records
// is served with m.
func (m *Metrics) SDKHandler() client.MetricsHandler {
	return sdkHandler{metrics: m.sdk, tags: map[string]string{}}
}

func (h sdkHandler) WithTags(tags map[string]string) client.MetricsHandler {
	merged := make(map[string]string, len(h.tags)+len(tags))
	for k, v := range h.tags {
		merged[k] = v
	}
	for k, v := range tags {
		merged[k] = v
	}
	keys := make([]string, 0, len(merged))
	for k, v := range merged {
		keys = append(keys, k+"\x00"+v)
	}
	sort.Strings(keys)
	return sdkHandler{metrics: h.metrics, tags: merged, key: strings.Join(keys, "\x01")}
}

func (h sdkHandler) Counter(name string) client.MetricsCounter {
	name = strings.TrimSuffix(name, "_total") + "_total"
	return counterFunc(func(d int64) {
		h.metrics.record(name, kindCounter, h.tags, h.key, func(v *sdkValue) { v.value += float64(d) })
	})
}

func (h sdkHandler) Gauge(name string) client.MetricsGauge {
	return gaugeFunc(func(f float64) {
		h.metrics.record(name, kindGauge, h.tags, h.key, func(v *sdkValue) { v.value = f })
	})
}

func (h sdkHandler) Timer(name string) client.MetricsTimer {
	name = strings.TrimSuffix(name, "_seconds") + "_seconds"
	return timerFunc(func(d time.Duration) {
		seconds := d.Seconds()
		h.metrics.record(name, kindHistogram, h.tags, h.key, func(v *sdkValue) {
			i := sort.SearchFloat64s(Buckets, seconds)
			v.counts[min(i, len(Buckets))]++
			v.value += seconds
		})
	})
}

type counterFunc func(int64)

func (f counterFunc) Inc(d int64) { f(d) }

type gaugeFunc func(float64)

func (f gaugeFunc) Update(v float64) { f(v) }

type timerFunc func(time.Duration)

func (f timerFunc) Record(d time.Duration) { f(d) }
