package lines

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// What measuring cells by display width costs next to counting code points
// (what the table did before issue 17), for a row of ASCII and one of CJK.
var benchCells = map[string]string{
	"ascii": "order-1234567 started 3m12s 40% done and a detail longer",
	"cjk":   strings.Repeat("注文東京", 12),
}

func BenchmarkDisplayWidth(b *testing.B) {
	for name, cell := range benchCells {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				_ = DisplayWidth(CellText(cell))
			}
		})
	}
}

func BenchmarkRuneCount(b *testing.B) {
	for name, cell := range benchCells {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				_ = utf8.RuneCountInString(cell)
			}
		})
	}
}
