// Package jsontext writes JSON strings byte for byte as Python's
// json.dumps(..., ensure_ascii=False) does, so that the Go and the Python
// completer print the same bytes: only the quote, the backslash and control
// characters are escaped. encoding/json would also escape <, >, & (unless told
// not to) and U+2028 and U+2029, which Python writes as they are.
package jsontext

const hexDigits = "0123456789abcdef"

// AppendString appends s to dst as a quoted JSON string. s is expected to be
// valid UTF-8; its bytes pass through unchanged except for the escapes.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"':
			dst = append(dst, '\\', '"')
		case '\\':
			dst = append(dst, '\\', '\\')
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\f':
			dst = append(dst, '\\', 'f')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// String is a string that encoding/json writes with AppendString.
type String string

// MarshalJSON implements json.Marshaler.
func (s String) MarshalJSON() ([]byte, error) {
	return AppendString(make([]byte, 0, len(s)+2), string(s)), nil
}
