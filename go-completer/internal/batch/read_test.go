package batch

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/async-completion/go-completer/internal/lines"
	"github.com/async-completion/go-completer/internal/model"
)

func TestReadDropsAByteOrderMark(t *testing.T) {
	tests := []struct{ in, want string }{
		{"\xef\xbb\xbfabc\r\n", "abc\r\n"},
		{"abc\n", "abc\n"},
		{"\xef\xbb\xbf", ""},
		// Only the one mark that starts the batch.
		{"\xef\xbb\xbf\xef\xbb\xbfabc", "\xef\xbb\xbfabc"},
		{"abc\n\xef\xbb\xbfdef", "abc\n\xef\xbb\xbfdef"},
	}
	for _, tt := range tests {
		got, err := Read("-", strings.NewReader(tt.in))
		if err != nil || string(got) != tt.want {
			t.Errorf("Read(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestReadNamesAFileItCannotRead(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.txt")
	_, err := Read(missing, nil)
	var failure *lines.Failure
	want := `cannot read the batch file "` + missing + `": no such file or directory`
	if !errors.As(err, &failure) || failure.Code != lines.ExitUsage || failure.Message != want {
		t.Errorf("Read() error = %v, want %q", err, want)
	}
}

func TestParseSkipsBlankAndCommentLinesAndTrims(t *testing.T) {
	data := "one\r\n\r\n  # comment\r\n\t two \r\n\xff\r\nbad\nlast"
	jobs, malformed := Parse([]byte(data), func(number int, text string) (string, error) {
		if text == "bad" {
			return "", lines.NoActivity()
		}
		return text + "@" + string(rune('0'+number)), nil
	})
	if want := []string{"one@1", "two@4", "last@7"}; !slices.Equal(jobs, want) {
		t.Errorf("jobs = %q, want %q", jobs, want)
	}
	want := []model.Outcome{
		{Line: 5, Code: lines.ExitUsage, Message: "the line is not a hex task token or a JSON job: it is not UTF-8 text"},
		{Line: 6, Code: lines.ExitUsage, Message: lines.NoActivity().Message},
	}
	if !slices.Equal(malformed, want) {
		t.Errorf("malformed = %+v, want %+v", malformed, want)
	}
}
