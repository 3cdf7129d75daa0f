package lines

import "fmt"

// The words of metrics and traces (docs/completer-cli.md, "--batch
// --metrics-file"; Python: lines/telemetry.py).

// MetricsFileNeedsBatch: --metrics-file without --batch.
func MetricsFileNeedsBatch() *Failure {
	return usage("--metrics-file goes with --batch: it counts the jobs of a batch")
}

// MetricsFileFailed: the metrics file of a batch could not be written.
func MetricsFileFailed(path, reason string) *Failure {
	return &Failure{Code: ExitFailure, Message: fmt.Sprintf("cannot write the metrics file %s: %s (the jobs were sent)", path, reason)}
}
