package tasktoken

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/async-completion/go-completer/internal/jsontext"
	"github.com/async-completion/go-completer/internal/tasktokenpb"
)

// inspectView is the JSON that `inspect` prints. The field order is the order
// on the CLI page, and every key is always present.
type inspectView struct {
	NamespaceID          jsonText   `json:"namespace_id"`
	WorkflowID           jsonText   `json:"workflow_id"`
	RunID                jsonText   `json:"run_id"`
	ScheduledEventID     int64      `json:"scheduled_event_id"`
	Attempt              int32      `json:"attempt"`
	ActivityID           jsonText   `json:"activity_id"`
	WorkflowType         jsonText   `json:"workflow_type"`
	ActivityType         jsonText   `json:"activity_type"`
	Clock                *clockView `json:"clock"`
	StartedEventID       int64      `json:"started_event_id"`
	Version              int64      `json:"version"`
	StartedTime          *jsonText  `json:"started_time"`
	StartVersion         int64      `json:"start_version"`
	ComponentRef         jsonText   `json:"component_ref"`
	ActivityAttemptStamp int32      `json:"activity_attempt_stamp"`
	// Standalone: an Activity started without a Workflow; ActivityRunID is
	// its run (from component_ref), null for an Activity of a Workflow.
	Standalone    bool      `json:"standalone"`
	ActivityRunID *jsonText `json:"activity_run_id"`
}

type clockView struct {
	ShardID   int32 `json:"shard_id"`
	Clock     int64 `json:"clock"`
	ClusterID int64 `json:"cluster_id"`
}

// InspectJSON renders a decoded token as the 2-space indented JSON of
// `inspect`, ending in a newline.
func InspectJSON(task *tasktokenpb.Task) ([]byte, error) {
	view := inspectView{
		NamespaceID:          jsonText(task.GetNamespaceId()),
		WorkflowID:           jsonText(task.GetWorkflowId()),
		RunID:                jsonText(task.GetRunId()),
		ScheduledEventID:     task.GetScheduledEventId(),
		Attempt:              task.GetAttempt(),
		ActivityID:           jsonText(task.GetActivityId()),
		WorkflowType:         jsonText(task.GetWorkflowType()),
		ActivityType:         jsonText(task.GetActivityType()),
		StartedEventID:       task.GetStartedEventId(),
		Version:              task.GetVersion(),
		StartVersion:         task.GetStartVersion(),
		ComponentRef:         jsonText(hex.EncodeToString(task.GetComponentRef())),
		ActivityAttemptStamp: task.GetActivityAttemptStamp(),
	}
	if clock := task.GetClock(); clock != nil {
		view.Clock = &clockView{
			ShardID:   clock.GetShardId(),
			Clock:     clock.GetClock(),
			ClusterID: clock.GetClusterId(),
		}
	}
	if ref := StandaloneRef(task); ref != nil {
		runID := jsonText(ref.GetRunId())
		view.Standalone, view.ActivityRunID = true, &runID
	}
	if started := task.GetStartedTime(); started != nil {
		text := jsonText(started.AsTime().UTC().Format(time.RFC3339Nano))
		view.StartedTime = &text
	}

	var out bytes.Buffer
	encoder := json.NewEncoder(&out)
	encoder.SetEscapeHTML(false)
	encoder.SetIndent("", "  ")
	if err := encoder.Encode(view); err != nil {
		return nil, fmt.Errorf("writing the token as JSON: %w", err)
	}
	return out.Bytes(), nil
}

// jsonText is a string written the way Python's json.dumps(ensure_ascii=False)
// writes it (see package jsontext). Protobuf has already checked that string
// fields are valid UTF-8.
type jsonText = jsontext.String
