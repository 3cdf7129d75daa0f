package tasktoken

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/async-completion/go-completer/internal/tasktokenpb"
)

// realTokenHex was logged by the Worker against a dev server: workflow_id t1,
// activity_id 1, attempt 1, activity_type Activity.
const realTokenHex = "0a2430316132316565322d613533612d376363362d386437382d333930613235663732383431120274311a2430316132316565322d626635372d373765322d383131362d37633061626139613435306620052801320131420841637469766974794a080801109580401801"

func realTokenBytes(t *testing.T) []byte {
	t.Helper()
	raw, err := hex.DecodeString(realTokenHex)
	if err != nil {
		t.Fatalf("fixture is not hex: %v", err)
	}
	return raw
}

// fixtureTask is a token with every field set, including text that JSON must
// escape and text that it must leave alone.
func fixtureTask() *tasktokenpb.Task {
	return &tasktokenpb.Task{
		NamespaceId:      "01a21ee2-a53a-7cc6-8d78-390a25f72841",
		WorkflowId:       "order \"7\" \\ é <&> \u2028\t\x01",
		RunId:            "01a21ee2-bf57-77e2-8116-7c0aba9a450f",
		ScheduledEventId: 5,
		Attempt:          3,
		ActivityId:       "1",
		WorkflowType:     "Workflow",
		ActivityType:     "Activity",
		Clock:            &tasktokenpb.VectorClock{ShardId: 1, Clock: 1048597, ClusterId: 1},
		StartedEventId:   6,
		Version:          -1,
		StartedTime: timestamppb.New(time.Date(2026, 11, 27, 21, 21, 46, 371000000,
			time.FixedZone("UTC+2", 2*60*60))),
		StartVersion:         7,
		ComponentRef:         []byte{0xAB, 0x01, 0xFF},
		ActivityAttemptStamp: 2,
	}
}

func marshal(t *testing.T, task *tasktokenpb.Task) []byte {
	t.Helper()
	raw, err := proto.Marshal(task)
	if err != nil {
		t.Fatalf("marshalling the fixture: %v", err)
	}
	return raw
}

func TestParseAcceptsTheFormsOfAToken(t *testing.T) {
	real := strings.ToLower(realTokenHex)
	tests := []struct {
		name string
		text string
	}{
		{"as logged", real},
		{"surrounded by white space", " \t" + real + "\r\n"},
		{"trailing newline from standard input", real + "\n"},
		{"0x prefix", "0x" + real},
		{"0X prefix inside white space", "  0X" + real + " "},
		{"upper case", strings.ToUpper(real)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token, err := Parse(tt.text)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got, want := hex.EncodeToString(token.Bytes), real; got != want {
				t.Errorf("Bytes = %s, want %s", got, want)
			}
			task := token.Task
			if task.GetWorkflowId() != "t1" || task.GetActivityId() != "1" || task.GetAttempt() != 1 || task.GetActivityType() != "Activity" {
				t.Errorf("decoded %v, want workflow t1, activity 1, attempt 1, type Activity", task)
			}
			if got, want := token.Describe(), `Activity "1" of Workflow "t1" (attempt 1)`; got != want {
				t.Errorf("Describe() = %q, want %q", got, want)
			}
		})
	}
}

func TestParseRefusesWhatIsNotAToken(t *testing.T) {
	raw := realTokenBytes(t)
	const copyIt = "copy the taskToken= value from the Worker's log"
	notToken := "the task token is not a Temporal task token (was it cut short?): copy the whole taskToken= value from the Worker's log"
	withoutRunID := fixtureTask()
	withoutRunID.RunId = ""
	tests := []struct {
		name string
		text string
		want string
	}{
		{"empty", "", "the task token is empty: " + copyIt},
		{"only white space", " \t\r\n ", "the task token is empty: " + copyIt},
		{"only the prefix", " 0x\n", "the task token is empty: " + copyIt},
		{"not hex at the start", "zz" + realTokenHex, `the task token is not hex: "z" at position 1 is not 0-9 or a-f; ` + copyIt},
		{"position counts after the trimmed prefix", " 0xab g", `the task token is not hex: " " at position 3 is not 0-9 or a-f; ` + copyIt},
		{"position counts characters, not bytes", "abéz", `the task token is not hex: "é" at position 3 is not 0-9 or a-f; ` + copyIt},
		{"a second 0x is not stripped", "0x0xab", `the task token is not hex: "x" at position 2 is not 0-9 or a-f; ` + copyIt},
		{"the key pasted too", "taskToken=" + realTokenHex, `the task token is not hex: "t" at position 1 is not 0-9 or a-f; ` + copyIt},
		{"odd length", realTokenHex[:len(realTokenHex)-1],
			"the task token has an odd number of hex digits (213): it was cut short; copy the whole taskToken= value from the Worker's log"},
		{"odd length of one digit", "a",
			"the task token has an odd number of hex digits (1): it was cut short; copy the whole taskToken= value from the Worker's log"},
		{"base64, standard alphabet, padded", base64.StdEncoding.EncodeToString(raw), "the task token looks like base64, but hex is expected: " + copyIt},
		{"base64, standard alphabet, unpadded", base64.RawStdEncoding.EncodeToString(raw), "the task token looks like base64, but hex is expected: " + copyIt},
		{"base64, URL alphabet", base64.URLEncoding.EncodeToString(raw), "the task token looks like base64, but hex is expected: " + copyIt},
		{"base64, URL alphabet, unpadded", base64.RawURLEncoding.EncodeToString(raw), "the task token looks like base64, but hex is expected: " + copyIt},
		{"base64 of something that is not a token", base64.StdEncoding.EncodeToString([]byte("hello, world")),
			`the task token is not hex: "G" at position 2 is not 0-9 or a-f; ` + copyIt},
		{"hex that is not protobuf", "abcd", notToken},
		{"hex that is protobuf but not a token", "0a00", notToken},
		{"a token without its run ID", hex.EncodeToString(marshal(t, withoutRunID)), notToken},
		{"truncated token", realTokenHex[:len(realTokenHex)-30], notToken},
		{"token with a byte added", realTokenHex + "ff", notToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token, err := Parse(tt.text)
			if err == nil {
				t.Fatalf("Parse(%q) = %v, want error %q", tt.text, token.Task, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("Parse(%q) error\n got: %s\nwant: %s", tt.text, err, tt.want)
			}
		})
	}
}

func TestParseRecognisesBothBase64Alphabets(t *testing.T) {
	task := fixtureTask()
	// "~~~" and "???" encode to characters that differ between the alphabets.
	task.WorkflowId = "~~~???~~~???"
	raw := marshal(t, task)
	std, url := base64.StdEncoding.EncodeToString(raw), base64.RawURLEncoding.EncodeToString(raw)
	if !strings.ContainsAny(std, "+/") || !strings.ContainsAny(url, "-_") {
		t.Fatalf("fixture does not tell the alphabets apart: %s, %s", std, url)
	}
	for _, text := range []string{std, url} {
		if _, err := Parse(text); !errors.Is(err, ErrBase64) {
			t.Errorf("Parse(%s) = %v, want ErrBase64", text, err)
		}
	}
	// Mixing the alphabets is neither.
	mixed := strings.NewReplacer("+", "-").Replace(std)
	if !strings.ContainsAny(mixed, "/") {
		t.Fatalf("fixture has no / to keep: %s", std)
	}
	if _, err := Parse(mixed); errors.Is(err, ErrBase64) {
		t.Errorf("Parse(%s) = ErrBase64 for mixed alphabets", mixed)
	}
}

func TestParseErrorsCanBeInspected(t *testing.T) {
	_, err := Parse("12x4")
	var notHex *NotHexError
	if !errors.As(err, &notHex) || notHex.Char != "x" || notHex.Position != 3 {
		t.Errorf("Parse(12x4) = %#v, want NotHexError x at 3", err)
	}
	_, err = Parse("123")
	var odd *OddLengthError
	if !errors.As(err, &odd) || odd.Digits != 3 {
		t.Errorf("Parse(123) = %#v, want OddLengthError of 3", err)
	}
	if _, err := Parse(" "); !errors.Is(err, ErrEmpty) {
		t.Errorf("Parse(\" \") = %v, want ErrEmpty", err)
	}
}

func TestParseDecodesEveryField(t *testing.T) {
	want := fixtureTask()
	token, err := Parse(hex.EncodeToString(marshal(t, want)))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if !proto.Equal(token.Task, want) {
		t.Errorf("decoded\n%v\nwant\n%v", token.Task, want)
	}
}

func TestInspectJSONOfAFullToken(t *testing.T) {
	got, err := InspectJSON(fixtureTask())
	if err != nil {
		t.Fatalf("InspectJSON: %v", err)
	}
	want := "{\n" +
		"  \"namespace_id\": \"01a21ee2-a53a-7cc6-8d78-390a25f72841\",\n" +
		"  \"workflow_id\": \"order \\\"7\\\" \\\\ é <&> \u2028\\t\\u0001\",\n" +
		"  \"run_id\": \"01a21ee2-bf57-77e2-8116-7c0aba9a450f\",\n" +
		"  \"scheduled_event_id\": 5,\n" +
		"  \"attempt\": 3,\n" +
		"  \"activity_id\": \"1\",\n" +
		"  \"workflow_type\": \"Workflow\",\n" +
		"  \"activity_type\": \"Activity\",\n" +
		"  \"clock\": {\n" +
		"    \"shard_id\": 1,\n" +
		"    \"clock\": 1048597,\n" +
		"    \"cluster_id\": 1\n" +
		"  },\n" +
		"  \"started_event_id\": 6,\n" +
		"  \"version\": -1,\n" +
		"  \"started_time\": \"2026-11-27T19:21:46.371Z\",\n" +
		"  \"start_version\": 7,\n" +
		"  \"component_ref\": \"ab01ff\",\n" +
		"  \"activity_attempt_stamp\": 2,\n" +
		"  \"standalone\": false,\n" +
		"  \"activity_run_id\": null\n" +
		"}\n"
	if string(got) != want {
		t.Errorf("InspectJSON\n got: %q\nwant: %q", got, want)
	}
}

func TestInspectJSONOfTheRealToken(t *testing.T) {
	task, err := Decode(realTokenBytes(t))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	got, err := InspectJSON(task)
	if err != nil {
		t.Fatalf("InspectJSON: %v", err)
	}
	// Absent messages are null; absent scalars are their zero values.
	want := `{
  "namespace_id": "01a21ee2-a53a-7cc6-8d78-390a25f72841",
  "workflow_id": "t1",
  "run_id": "01a21ee2-bf57-77e2-8116-7c0aba9a450f",
  "scheduled_event_id": 5,
  "attempt": 1,
  "activity_id": "1",
  "workflow_type": "",
  "activity_type": "Activity",
  "clock": {
    "shard_id": 1,
    "clock": 1048597,
    "cluster_id": 1
  },
  "started_event_id": 0,
  "version": 0,
  "started_time": null,
  "start_version": 0,
  "component_ref": "",
  "activity_attempt_stamp": 0,
  "standalone": false,
  "activity_run_id": null
}
`
	if string(got) != want {
		t.Errorf("InspectJSON\n got: %s\nwant: %s", got, want)
	}
}

func TestInspectJSONWritesNullsAndTrimsTheFraction(t *testing.T) {
	tests := []struct {
		name    string
		started *timestamppb.Timestamp
		want    string
	}{
		{"absent", nil, `"started_time": null,`},
		{"whole seconds", timestamppb.New(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)), `"started_time": "2026-01-02T03:04:05Z",`},
		{"nanoseconds", timestamppb.New(time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC)), `"started_time": "2026-01-02T03:04:05.123456789Z",`},
		{"trailing zeros dropped", timestamppb.New(time.Date(2026, 1, 2, 3, 4, 5, 500000000, time.UTC)), `"started_time": "2026-01-02T03:04:05.5Z",`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			task := fixtureTask()
			task.StartedTime = tt.started
			task.Clock = nil
			got, err := InspectJSON(task)
			if err != nil {
				t.Fatalf("InspectJSON: %v", err)
			}
			if !strings.Contains(string(got), "\n  "+tt.want+"\n") {
				t.Errorf("InspectJSON = %s, want a line %s", got, tt.want)
			}
			if !strings.Contains(string(got), "\n  \"clock\": null,\n") {
				t.Errorf("InspectJSON = %s, want \"clock\": null", got)
			}
		})
	}
}

func TestJSONTextEscapesLikePython(t *testing.T) {
	// Expected values are Python's json.dumps(s, ensure_ascii=False).
	tests := []struct {
		in   string
		want string
	}{
		{"plain", `"plain"`},
		{`a"b\c`, `"a\"b\\c"`},
		{"\b\f\n\r\t", `"\b\f\n\r\t"`},
		{"\x00\x1f\x7f", `"\u0000\u001f` + "\x7f" + `"`},
		{"<&> é 日本 \u2028\u2029", "\"<&> é 日本 \u2028\u2029\""},
	}
	for _, tt := range tests {
		got, err := jsonText(tt.in).MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON(%q): %v", tt.in, err)
		}
		if string(got) != tt.want {
			t.Errorf("MarshalJSON(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}
