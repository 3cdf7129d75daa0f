package history

import (
	"context"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	historypb "go.temporal.io/api/history/v1"
	sdkpb "go.temporal.io/api/sdk/v1"
)

func payload(encoding, data string) *commonpb.Payload {
	return &commonpb.Payload{Metadata: map[string][]byte{"encoding": []byte(encoding)}, Data: []byte(data)}
}

func TestPayloadJSONNeverHandsOutRawBytes(t *testing.T) {
	tests := []struct {
		name    string
		payload *commonpb.Payload
		want    string
	}{
		{"a text", payload("json/plain", `"Pay \u00e9 <b>"`), `"Pay é <b>"`},
		{"a text with a lone surrogate", payload("json/plain", `"\ud800"`), "\"\uFFFD\""},
		{"JSON, white space between tokens dropped", payload("json/plain", "{ \"a\" : [1, 2.50] ,\n \"b\":\"x  y\" }"), `{"a":[1,2.50],"b":"x  y"}`},
		{"a number", payload("json/plain", "12"), "12"},
		{"null", payload("binary/null", ""), "null"},
		{"binary", payload("binary/plain", "\x00\x01"), `{"encoding":"binary/plain","size":2}`},
		{"protobuf", payload("json/protobuf", `{"a":1}`), `{"encoding":"json/protobuf","size":7}`},
		{"JSON that is not UTF-8", payload("json/plain", "\"\xff\""), `{"encoding":"json/plain","size":3}`},
		{"not JSON", payload("json/plain", "NaN"), `{"encoding":"json/plain","size":3}`},
		{"empty", payload("json/plain", ""), `{"encoding":"json/plain","size":0}`},
		{"no encoding", &commonpb.Payload{Data: []byte("x")}, `{"encoding":"","size":1}`},
		{"an encoding that is not UTF-8", payload("a\xff\xfeb", "x"), "{\"encoding\":\"a\uFFFDb\",\"size\":1}"},
	}
	for _, tt := range tests {
		if got := PayloadJSON(tt.payload); got != tt.want {
			t.Errorf("%s: PayloadJSON = %s, want %s", tt.name, got, tt.want)
		}
	}
	if got := SummaryText(payload("json/plain", `{"a":1}`)); got != nil {
		t.Errorf("SummaryText of an object = %q, want nil", *got)
	}
	if got := SummaryText(payload("json/plain", `"Pay"`)); got == nil || *got != "Pay" {
		t.Errorf("SummaryText of a text = %v", got)
	}
}

func scheduledWith(id int64, activityID string, summary *commonpb.Payload, input ...*commonpb.Payload) *historypb.HistoryEvent {
	event := scheduled(id, activityID)
	event.GetActivityTaskScheduledEventAttributes().Input = &commonpb.Payloads{Payloads: input}
	if summary != nil {
		event.UserMetadata = &sdkpb.UserMetadata{Summary: summary}
	}
	return event
}

func TestReadAskedPagesAndTakesTheLastSchedule(t *testing.T) {
	svc := &fakeService{pages: [][]*historypb.HistoryEvent{
		{started(1), scheduledWith(5, "1", nil, payload("json/plain", `"old"`))},
		{scheduledWith(6, "2", payload("json/plain", `"Pay 2"`), payload("json/plain", `"two"`), payload("json/plain", "2"))},
		{scheduledWith(9, "1", nil, payload("json/plain", `"new"`)), scheduledWith(10, "3", nil)},
	}}
	execution := &commonpb.WorkflowExecution{WorkflowId: "w", RunId: "r"}
	asked, err := ReadAsked(context.Background(), svc, "ns", execution, map[string]bool{"1": true, "2": true, "4": true})
	if err != nil || len(svc.requests) != 3 {
		t.Fatalf("ReadAsked = %v, %v after %d pages", asked, err, len(svc.requests))
	}
	if len(asked) != 2 || strings.Join(asked["1"].Input, ",") != `"new"` || asked["1"].Summary != nil ||
		strings.Join(asked["2"].Input, ",") != `"two",2` || *asked["2"].Summary != "Pay 2" {
		t.Errorf("ReadAsked = %+v, %+v", asked["1"], asked["2"])
	}
	if svc.requests[0].GetNamespace() != "ns" || svc.requests[0].GetExecution().GetRunId() != "r" {
		t.Errorf("request %v", svc.requests[0])
	}
}
