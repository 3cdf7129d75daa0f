package history

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"

	"github.com/async-completion/go-completer/internal/jsontext"
	"github.com/async-completion/go-completer/internal/model"
)

// What pending Activities ask: the input and the summary their Workflow gave
// them, read from their scheduled events in the run's history (the same
// paged, bounded read the refusals use). Decoded as the default data
// converter would, without ever handing out raw bytes: a JSON payload as its
// JSON, binary/null as null, anything else named by its encoding and size.
// Python: history/asked.py.

// ReadAsked reads what each of activityIDs asks, by the last scheduled event
// with that ID in the run's history (a pending Activity is its ID's latest
// schedule; a retry is no new schedule, so every attempt asks the same). An ID
// without a scheduled event is left out. ctx bounds the whole read; its error
// is the history request's.
func ReadAsked(ctx context.Context, svc Service, namespace string, execution *commonpb.WorkflowExecution, activityIDs map[string]bool) (map[string]*model.Asked, error) {
	found := map[string]*historypb.HistoryEvent{}
	err := eachEvent(ctx, svc, namespace, execution, func(event *historypb.HistoryEvent) {
		if event.GetEventType() != enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED {
			return
		}
		if id := event.GetActivityTaskScheduledEventAttributes().GetActivityId(); activityIDs[id] {
			found[id] = event
		}
	})
	if err != nil {
		return nil, err
	}
	asked := make(map[string]*model.Asked, len(found))
	for id, event := range found {
		asked[id] = AskedOf(event)
	}
	return asked, nil
}

// AskedOf is what a scheduled event asks.
func AskedOf(event *historypb.HistoryEvent) *model.Asked {
	payloads := event.GetActivityTaskScheduledEventAttributes().GetInput().GetPayloads()
	a := &model.Asked{Input: make([]string, 0, len(payloads))}
	for _, p := range payloads {
		a.Input = append(a.Input, PayloadJSON(p))
	}
	if summary := event.GetUserMetadata().GetSummary(); summary != nil {
		a.Summary = SummaryText(summary)
	}
	return a
}

// PayloadJSON is one argument as compact JSON text: a text as a JSON string
// (written as `list --json` writes strings), other JSON as its own text
// without the white space between tokens, binary/null as null, anything else
// (another encoding, data that is not JSON in UTF-8) as
// {"encoding":E,"size":N}.
func PayloadJSON(p *commonpb.Payload) string {
	encoding := string(p.GetMetadata()["encoding"])
	data := p.GetData()
	switch {
	case encoding == "binary/null":
		return "null"
	case encoding == "json/plain" && utf8.Valid(data) && json.Valid(data):
		if text, ok := jsonText(data); ok {
			return string(jsontext.AppendString(nil, text))
		}
		var compact bytes.Buffer
		if json.Compact(&compact, data) == nil {
			return compact.String()
		}
	}
	name := jsontext.AppendString(nil, strings.ToValidUTF8(encoding, "\uFFFD"))
	return `{"encoding":` + string(name) + `,"size":` + strconv.Itoa(len(data)) + "}"
}

// SummaryText is a summary as text: a text payload as that text; nil for
// anything else.
func SummaryText(p *commonpb.Payload) *string {
	data := p.GetData()
	if string(p.GetMetadata()["encoding"]) != "json/plain" || !utf8.Valid(data) {
		return nil
	}
	if text, ok := jsonText(data); ok {
		return &text
	}
	return nil
}

// jsonText decodes data when it is one JSON string (json.Unmarshal would also
// take null into a string, as no change).
func jsonText(data []byte) (string, bool) {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	var text string
	if len(trimmed) == 0 || trimmed[0] != '"' || json.Unmarshal(data, &text) != nil {
		return "", false
	}
	return text, true
}
