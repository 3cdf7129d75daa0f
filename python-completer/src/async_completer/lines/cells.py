"""The cells of `list`'s table: one line each, measured as a terminal shows them. Mirrors
go-completer/internal/lines/cells.go.

A Workflow ID (or any text) may hold a tab, a newline, a bell: printed raw they would break
the row or the terminal, so control characters are shown escaped (`\\t`, `\\n`, `\\r`, else
`\\u` and four hex digits). A column is padded by display width, not by code points: East
Asian wide characters take two columns, combining marks none (widths.py, generated from one
source for both completers). The JSON lines keep the exact text.
"""

from __future__ import annotations

import bisect

from async_completer.lines.widths import WIDE, ZERO

_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
_WIDE_STARTS, _WIDE_ENDS = WIDE[0::2], WIDE[1::2]
_ZERO_STARTS, _ZERO_ENDS = ZERO[0::2], ZERO[1::2]


def _escaped(char: str) -> bool:
    code = ord(char)
    # C0, DEL and C1 controls, and the line and paragraph separators.
    return code < 0x20 or 0x7F <= code <= 0x9F or code in (0x2028, 0x2029)


def cell_text(text: str) -> str:
    """text as the table shows it: control characters escaped."""
    if not any(_escaped(char) for char in text):
        return text
    return "".join(
        (_NAMED.get(char) or f"\\u{ord(char):04x}") if _escaped(char) else char for char in text
    )


def _in(code: int, starts: tuple[int, ...], ends: tuple[int, ...]) -> bool:
    i = bisect.bisect_right(starts, code) - 1
    return i >= 0 and code <= ends[i]


def display_width(text: str) -> int:
    """The columns a terminal gives text (already made a cell: no control characters)."""
    if text.isascii():
        return len(text)
    width = 0
    for char in text:
        code = ord(char)
        if _in(code, _ZERO_STARTS, _ZERO_ENDS):
            continue
        elif _in(code, _WIDE_STARTS, _WIDE_ENDS):
            width += 2
        else:
            width += 1
    return width


def pad(text: str, width: int) -> str:
    """text followed by spaces up to width columns."""
    return text + " " * (width - display_width(text))
