package lines

import (
	"fmt"
	"sort"
	"strings"
)

// The cells of list's table: one line each, measured as a terminal shows
// them. Mirrors python-completer's lines/cells.py.
//
// A Workflow ID (or any text) may hold a tab, a newline, a bell: printed raw
// they would break the row or the terminal, so control characters are shown
// escaped (\t, \n, \r, else \u and four hex digits). A column is padded by
// display width, not by code points: East Asian wide characters take two
// columns, combining marks none (widths.go, generated from one source for
// both completers). The JSON lines keep the exact text.

// escaped reports whether the table shows r escaped: C0, DEL and C1
// controls, and the line and paragraph separators.
func escaped(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r <= 0x9f) || r == 0x2028 || r == 0x2029
}

// CellText is text as the table shows it: control characters escaped.
func CellText(text string) string {
	if !strings.ContainsFunc(text, escaped) {
		return text
	}
	var b strings.Builder
	for _, r := range text {
		switch {
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case escaped(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// inRanges reports whether r is in one of ranges, pairs of first and last
// code point, sorted.
func inRanges(r rune, ranges []rune) bool {
	n := len(ranges) / 2
	// The first range whose last code point is r or after.
	i := sort.Search(n, func(i int) bool { return ranges[2*i+1] >= r })
	return i < n && ranges[2*i] <= r
}

// DisplayWidth is the columns a terminal gives text (already made a cell:
// no control characters).
func DisplayWidth(text string) int {
	width := 0
	for _, r := range text {
		switch {
		case r < 0x80:
			width++
		case inRanges(r, zeroRanges):
		case inRanges(r, wideRanges):
			width += 2
		default:
			width++
		}
	}
	return width
}
