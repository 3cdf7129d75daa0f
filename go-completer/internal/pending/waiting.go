package pending

import (
	"time"

	workflowpb "go.temporal.io/api/workflow/v1"
)

// How a pending Activity waits besides running: for its next attempt after a
// retryable failure, or paused (by a person with `temporal activity pause`,
// or by a rule). Mirrors the Python completer's pending/waiting.py.

// nextAttemptTime is when the next attempt is due: the server sets it only
// while a retry waits for its backoff (never for a paused Activity).
func nextAttemptTime(info *workflowpb.PendingActivityInfo) *time.Time {
	return timeOf(info.GetNextAttemptScheduleTime())
}

// pausedBy is who paused the Activity: the identity the pause request
// carried (a rule's: its creator, else "rule RULE_ID"); nil when it is not
// paused or no one is named.
func pausedBy(info *workflowpb.PendingActivityInfo) *string {
	pause := info.GetPauseInfo()
	if manual := pause.GetManual(); manual != nil {
		return nonEmpty(manual.GetIdentity())
	}
	if rule := pause.GetRule(); rule != nil {
		if rule.GetIdentity() != "" {
			return nonEmpty(rule.GetIdentity())
		}
		if rule.GetRuleId() != "" {
			return nonEmpty("rule " + rule.GetRuleId())
		}
	}
	return nil
}

// pauseReason is why it was paused, as the pause request said; nil when no
// reason was given.
func pauseReason(info *workflowpb.PendingActivityInfo) *string {
	pause := info.GetPauseInfo()
	if manual := pause.GetManual(); manual != nil {
		return nonEmpty(manual.GetReason())
	}
	return nonEmpty(pause.GetRule().GetReason())
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
