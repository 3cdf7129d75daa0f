package batch

import (
	"errors"
	"testing"

	"github.com/async-completion/go-completer/internal/lines"
)

func TestParseJSONTakesDetailsForHeartbeatAndCancel(t *testing.T) {
	for _, verb := range []string{"heartbeat", "cancel"} {
		f, err := ParseJSON(`{"workflow_id":"wf","activity_id":"1","details":"40%","state":"started"}`, verb)
		if err != nil || f.Details == nil || *f.Details != "40%" || f.WorkflowID != "wf" || f.ActivityID != "1" {
			t.Errorf("ParseJSON(%s) = %+v, %v", verb, f, err)
		}
		_, err = ParseJSON(`{"workflow_id":"wf","activity_id":"1","result":"r"}`, verb)
		want := `the line is not a hex task token or a JSON job: unknown key "result" (` + verb + ` takes tasktoken, workflow_id, activity_id, run_id, details, identity, idempotency_key)`
		var failure *lines.Failure
		if !errors.As(err, &failure) || failure.Message != want {
			t.Errorf("ParseJSON(%s) with a result = %v, want %q", verb, err, want)
		}
	}
	// complete and fail take no details.
	for verb, takes := range map[string]string{"complete": "result", "fail": "reason, retryable"} {
		_, err := ParseJSON(`{"details":"d"}`, verb)
		want := `the line is not a hex task token or a JSON job: unknown key "details" (` + verb + ` takes tasktoken, workflow_id, activity_id, run_id, ` + takes + `, identity, idempotency_key)`
		if err == nil || err.Error() != want {
			t.Errorf("ParseJSON(%s) with details = %v, want %q", verb, err, want)
		}
	}
}

func TestParseJSONTakesIdentityAndIdempotencyKeyForEveryVerb(t *testing.T) {
	for _, verb := range []string{"complete", "fail", "heartbeat", "cancel"} {
		f, err := ParseJSON(`{"workflow_id":"wf","activity_id":"1","identity":"Ada","idempotency_key":"evt_1"}`, verb)
		if err != nil || f.Identity == nil || *f.Identity != "Ada" || f.IdempotencyKey == nil || *f.IdempotencyKey != "evt_1" {
			t.Errorf("ParseJSON(%s) = %+v, %v", verb, f, err)
		}
		for _, key := range []string{"identity", "idempotency_key"} {
			_, err := ParseJSON(`{"workflow_id":"wf","activity_id":"1","`+key+`":7}`, verb)
			if want := `the line is not a hex task token or a JSON job: "` + key + `" must be a text`; err == nil || err.Error() != want {
				t.Errorf("ParseJSON(%s) with a number for %s = %v, want %q", verb, key, err, want)
			}
		}
	}
}
