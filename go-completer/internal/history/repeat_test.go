package history

import (
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	failurepb "go.temporal.io/api/failure/v1"

	"github.com/async-completion/go-completer/internal/model"
)

func TestRepeats(t *testing.T) {
	details := "stopped"
	other := "other"
	withKey := "ada via go-completer serve@h key=evt_1"
	closings := map[string]*model.Closing{
		"completed": {Kind: model.Completed, Attempt: 1, Identity: withKey, Result: text(t, "Paid")},
		"failed":    {Kind: model.Failed, Attempt: 1, Identity: "x", Failure: failedFailure("no stock", true)},
		"retryable": {Kind: model.Failed, Attempt: 1, Identity: "x", Failure: failedFailure("try later", false)},
		"cancelled": {Kind: model.Canceled, Attempt: 1, Identity: "x", Details: text(t, details)},
		"bare":      {Kind: model.Canceled, Attempt: 1, Identity: "x"},
		"timed out": {Kind: model.TimedOut, Attempt: 1},
		"unknown":   {Kind: model.Completed, Attempt: 0, Result: text(t, "Paid")},
	}
	tests := []struct {
		closing string
		request Request
		want    bool
	}{
		{"completed", Request{Kind: model.Completed, Result: "Paid"}, true},
		{"completed", Request{Kind: model.Completed, Result: "Paid", Attempt: 1}, true},
		{"completed", Request{Kind: model.Completed, Result: "Paid", Key: "evt_1"}, true},
		{"completed", Request{Kind: model.Completed, Result: "Paid", Key: "evt_2"}, false},
		{"completed", Request{Kind: model.Completed, Result: "Paid", Key: "1"}, false},
		{"completed", Request{Kind: model.Completed, Result: "Paid", Attempt: 2}, false},
		{"completed", Request{Kind: model.Completed, Result: "paid"}, false},
		{"completed", Request{Kind: model.Failed, Reason: "Paid"}, false},
		{"completed", Request{}, false},
		{"failed", Request{Kind: model.Failed, Reason: "no stock"}, true},
		{"failed", Request{Kind: model.Failed, Reason: "no stock", Retryable: true}, false},
		{"failed", Request{Kind: model.Failed, Reason: "no stock", Key: "k"}, false},
		{"retryable", Request{Kind: model.Failed, Reason: "try later", Retryable: true}, true},
		{"cancelled", Request{Kind: model.Canceled, Details: &details}, true},
		{"cancelled", Request{Kind: model.Canceled, Details: &other}, false},
		{"cancelled", Request{Kind: model.Canceled}, false},
		{"bare", Request{Kind: model.Canceled}, true},
		{"bare", Request{Kind: model.Canceled, Details: &details}, false},
		{"timed out", Request{Kind: model.Completed}, false},
		// With a token, the attempt must be known to be the same.
		{"unknown", Request{Kind: model.Completed, Result: "Paid", Attempt: 1}, false},
		{"unknown", Request{Kind: model.Completed, Result: "Paid"}, true},
	}
	for _, tt := range tests {
		if got := Repeats(closings[tt.closing], tt.request); got != tt.want {
			t.Errorf("%s.Repeats(%+v) = %v, want %v", tt.closing, tt.request, got, tt.want)
		}
	}
	var none *model.Closing
	if Repeats(none, Request{Kind: model.Completed}) {
		t.Error("no closing repeats a request")
	}
	// A result that is not one text repeats no text.
	for _, payloads := range []*commonpb.Payloads{nil, {}, {Payloads: []*commonpb.Payload{{Metadata: map[string][]byte{"encoding": []byte("binary/null")}}}}} {
		c := &model.Closing{Kind: model.Completed, Result: payloads}
		if Repeats(c, Request{Kind: model.Completed, Result: ""}) {
			t.Errorf("%v repeats an empty text", payloads)
		}
	}
}

func failedFailure(message string, nonRetryable bool) *failurepb.Failure {
	return &failurepb.Failure{Message: message, FailureInfo: &failurepb.Failure_ApplicationFailureInfo{
		ApplicationFailureInfo: &failurepb.ApplicationFailureInfo{NonRetryable: nonRetryable}}}
}
