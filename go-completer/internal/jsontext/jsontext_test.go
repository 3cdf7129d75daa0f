package jsontext

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestAppendString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `""`},
		{"plain", `"plain"`},
		{`say "hi" \ bye`, `"say \"hi\" \\ bye"`},
		{"\b\f\n\r\t\x00\x01\x1f", `"\b\f\n\r\t\u0000\u0001\u001f"`},
		// Python's json.dumps(ensure_ascii=False) leaves these as they are.
		{"\x7f <>& / \u2028\u2029 é 日本 😀", "\"\x7f <>& / \u2028\u2029 é 日本 😀\""},
	}
	for _, tt := range tests {
		if got := string(AppendString([]byte("x"), tt.in)); got != "x"+tt.want {
			t.Errorf("AppendString(%q) = %s, want %s", tt.in, got[1:], tt.want)
		}
		// encoding/json keeps a Marshaler's bytes when it escapes no HTML, as
		// inspect's encoder does.
		var out bytes.Buffer
		encoder := json.NewEncoder(&out)
		encoder.SetEscapeHTML(false)
		if err := encoder.Encode(struct{ S String }{String(tt.in)}); err != nil || out.String() != `{"S":`+tt.want+"}\n" {
			t.Errorf("encoding String(%q) = %s, %v", tt.in, out.String(), err)
		}
	}
}
