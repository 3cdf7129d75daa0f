"""The Workflows that `list` and GET /v1/pending could not describe: each gets a row with its
failure's line, the others are listed, and the exit code is the largest of their codes (3
refused, 4 no answer, 1 anything else). Mirrors go-completer/internal/cli/list_failures.go."""

from __future__ import annotations

from typing import TYPE_CHECKING

from async_completer import lines
from async_completer.lines.errors import CompleterError

if TYPE_CHECKING:
    from async_completer.connection import Server


class ListFailures:
    def __init__(self) -> None:
        self.count = 0
        self._code = 0

    def add(self, err: Exception, server: Server) -> str:
        """Counts the failed describe err and returns its line."""
        from async_completer.send.errors import listing_failure

        failure = listing_failure(err, server)
        self.count += 1
        self._code = max(self._code, failure.exit_code)
        return failure.message

    def failure(self) -> CompleterError | None:
        """The listing's own failure once every row is written: None when every Workflow
        was described."""
        if self.count == 0:
            return None
        failure = CompleterError(lines.not_described(self.count))
        failure.exit_code = self._code
        return failure
