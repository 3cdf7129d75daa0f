// Package page holds the approval page that `serve` answers GET / with. Its
// one source is the project's page/index.html: `make generate` copies it here
// (and into the Python completer), and `make checkgenerate` fails when this
// copy is stale, so both completers serve the same bytes.
package page

import _ "embed"

// HTML is the page, byte for byte.
//
//go:embed index.html
var HTML []byte
