package cli

import (
	"errors"
	"math"
	"regexp"
	"strconv"
	"time"
)

// DefaultRPCTimeout is the --rpc-timeout text when none is given.
const DefaultRPCTimeout = "10s"

// rpcTimeoutPattern is the grammar both completers accept: a decimal number of
// milliseconds, seconds or minutes, seconds when there is no unit.
var rpcTimeoutPattern = regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)?)(ms|s|m)?$`)

var errNotDuration = errors.New("not a duration")

// ParseRPCTimeout reads an --rpc-timeout value such as 500ms, 10s, 1m, 1.5s or
// a bare number of seconds. A timeout must be more than zero.
func ParseRPCTimeout(text string) (time.Duration, error) {
	match := rpcTimeoutPattern.FindStringSubmatch(text)
	if match == nil {
		return 0, errNotDuration
	}
	number, err := strconv.ParseFloat(match[1], 64)
	if err != nil {
		return 0, errNotDuration
	}
	unit := time.Second
	switch match[2] {
	case "ms":
		unit = time.Millisecond
	case "m":
		unit = time.Minute
	}
	nanoseconds := math.Round(number * float64(unit))
	if nanoseconds < 1 || nanoseconds >= math.MaxInt64 {
		return 0, errNotDuration
	}
	return time.Duration(nanoseconds), nil
}
