package lines

import (
	"strings"
)

// Table writes rows of cells in blocks, as they are found: each column
// left-aligned and padded to the widest cell seen so far (in code points),
// two spaces between columns, the last column not padded. A later block may
// widen a column; the lines already written stay as they were.
type Table struct {
	header []string
	widths []int
	// started is whether the header was written, with the first block.
	started bool
}

// NewTable is a table with these column headers.
func NewTable(header []string) *Table {
	t := &Table{header: header, widths: make([]int, len(header))}
	t.widen(header)
	return t
}

// Block appends the lines of a block of rows to dst, each with its newline;
// the header comes first with the first block that has rows.
func (t *Table) Block(dst []byte, rows [][]string) []byte {
	if len(rows) == 0 {
		return dst
	}
	for _, row := range rows {
		t.widen(row)
	}
	if !t.started {
		t.started = true
		dst = t.appendRow(dst, t.header)
	}
	for _, row := range rows {
		dst = t.appendRow(dst, row)
	}
	return dst
}

func (t *Table) widen(row []string) {
	for i, cell := range row {
		t.widths[i] = max(t.widths[i], DisplayWidth(cell))
	}
}

func (t *Table) appendRow(dst []byte, row []string) []byte {
	start := len(dst)
	for i, cell := range row {
		dst = append(dst, cell...)
		if i < len(row)-1 {
			dst = append(dst, strings.Repeat(" ", t.widths[i]-DisplayWidth(cell)+2)...)
		}
	}
	// An empty last cell would leave the padding of the one before it.
	dst = append(dst[:start], strings.TrimRight(string(dst[start:]), " ")...)
	return append(dst, '\n')
}
