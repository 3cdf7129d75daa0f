package lines

import "fmt"

// The page's last row, "anything else" (exit 1): failures it has no row for,
// worded here all the same.

// ConfigNotLoaded: Temporal's environment configuration could not be loaded,
// for a reason that no row names.
func ConfigNotLoaded(err error) *Failure {
	return Other(fmt.Errorf("could not load Temporal's environment configuration (TEMPORAL_* variables, TEMPORAL_CONFIG_FILE): %w", err))
}

// TokenNotRead: standard input could not be read for --tasktoken -.
func TokenNotRead(err error) *Failure {
	return Other(fmt.Errorf("could not read the task token from standard input: %w", err))
}

// InternalError is a bug, caught so that it still ends in one line.
func InternalError(recovered any) *Failure {
	return Other(fmt.Errorf("internal error: %v", recovered))
}

// NotSent: a request that failed inside the client, before it reached the
// server (gRPC refused it); message is gRPC's words for why. No line that
// blames the server may say so: the server never saw the request.
func NotSent(message string) *Failure {
	return &Failure{Code: ExitFailure, Message: "the request was not sent: the completer's gRPC client refused it before it reached the server (" + OneLine(message) + ")"}
}
