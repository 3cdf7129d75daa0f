package lines

import (
	"encoding/json"
	"strings"

	"github.com/async-completion/go-completer/internal/model"
)

// What a pending Activity asks, in words: the table's ASKS cell, the link
// pages' summary and input, and the answers of GET /v1/activity. Python:
// lines/asked.py.

// ActivityNeedsIDs is the 400 of GET /v1/activity without its parameters.
const ActivityNeedsIDs = "give the query parameters workflow_id and activity_id"

// ActivityNotPending is the 409 of GET /v1/activity for an Activity that is
// not pending (in the run given, or the latest).
func ActivityNotPending(workflowID, activityID string) string {
	return DescribeIDs(activityID, workflowID) + " is not pending"
}

// argumentText is an argument as a person reads it: a text as that text,
// anything else as its JSON.
func argumentText(item string) string {
	text := item
	if strings.HasPrefix(item, `"`) {
		_ = json.Unmarshal([]byte(item), &text)
	}
	return text
}

// AskedText is what the Activity asks in one text: its summary, or else its
// arguments separated by ", "; nil when there is nothing to show.
func AskedText(asked *model.Asked) *string {
	if asked == nil {
		return nil
	}
	var text string
	if asked.Summary != nil {
		text = *asked.Summary
	} else {
		parts := make([]string, len(asked.Input))
		for i, item := range asked.Input {
			parts[i] = argumentText(item)
		}
		text = strings.Join(parts, ", ")
	}
	if text == "" {
		return nil
	}
	return &text
}

// SummaryShown is a link page's summary: the text, or "-" for none.
func SummaryShown(asked *model.Asked) string {
	if asked == nil || asked.Summary == nil || *asked.Summary == "" {
		return "-"
	}
	return *asked.Summary
}

// InputShown is a link page's whole input: each argument on its own line (a
// text as that text, anything else as its JSON), or "-" for none.
func InputShown(asked *model.Asked) string {
	if asked == nil || len(asked.Input) == 0 {
		return "-"
	}
	parts := make([]string, len(asked.Input))
	for i, item := range asked.Input {
		parts[i] = argumentText(item)
	}
	return strings.Join(parts, "\n")
}
