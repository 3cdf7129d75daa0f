package telemetry

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/async-completion/go-completer/internal/lines"
)

// --batch --metrics-file FILE: a batch's counters in the Prometheus text
// format, for a node exporter's textfile collector (Python:
// telemetry/textfile.py). The file is written once, at the end, whole (a
// temporary file renamed over it): a collector never reads half of it.

// WriteBatch counts the batch's jobs by outcome (already: the jobs answered
// as already done, among counts.OK) and writes every counter to path.
func (m *Metrics) WriteBatch(path, verb string, counts lines.JobCounts, already int) error {
	other := counts.Total - counts.OK - counts.Refused - counts.Malformed - counts.Unreachable
	for _, c := range []struct {
		code, n int
	}{
		{lines.ExitOK, counts.OK - already},
		{lines.ExitUsage, counts.Malformed},
		{lines.ExitRefused, counts.Refused},
		{lines.ExitUnreachable, counts.Unreachable},
		{lines.ExitFailure, other},
	} {
		if c.n > 0 {
			m.jobs.WithLabelValues(verb, lines.OutcomeName(c.code)).Add(float64(c.n))
		}
	}
	if already > 0 {
		m.jobs.WithLabelValues(verb, "already").Add(float64(already))
	}
	return prometheus.WriteToTextfile(path, m.Registry)
}
