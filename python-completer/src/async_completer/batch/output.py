"""A batch's JSON lines, written as its jobs finish, and its summary. When standard output
fails part way every job is still sent, and the summary says how many lines were not
written (docs/completer-cli.md)."""

from __future__ import annotations

import sys
from collections import Counter
from typing import IO, TYPE_CHECKING

from async_completer import lines
from async_completer.lines.errors import CompleterError
from async_completer.lines.stdout import Stdout, encode_line
from async_completer.model import Outcome

if TYPE_CHECKING:
    from asyncio import AbstractEventLoop


class BatchOutput:
    """Writes one JSON line per finished job and counts the outcomes.

    Lines are collected as jobs finish; inside the event loop they are written once per turn
    of the loop (all the jobs that finished in that turn together), so a reader sees each
    line at once without a system call per line. The progress line (`\\r<done>/<total> jobs`,
    only on a terminal) is rewritten at the same moments. When standard output fails, the
    jobs go on and are counted; their lines are not written."""

    def __init__(
        self,
        total: int,
        *,
        jobs: int | None = None,
        stdout: IO[str] | None = None,
        stderr: IO[str] | None = None,
        progress: bool | None = None,
    ) -> None:
        self.total = total
        self.jobs = total if jobs is None else jobs  # the lines that are sent (not malformed)
        self.done = 0
        self.written = 0
        self.counts: Counter[int] = Counter()
        self.already = 0  # the jobs answered as already done (counted in counts[0] too)
        self.max_code = 0
        self.write_error: str | None = None
        self._stdout = Stdout(stdout)
        self._pending: list[bytes] = []
        self._stderr = stderr if stderr is not None else sys.stderr
        if progress is None:
            progress = _is_terminal(self._stderr)
        self.progress = progress
        self._flush_scheduled = False
        self._shown = 0  # the count the progress line shows
        # Set by send_all: the event loop whose turns the flushes follow.
        self.loop: AbstractEventLoop | None = None

    def add(self, outcome: Outcome) -> None:
        self.done += 1
        self.counts[outcome.code] += 1
        self.already += outcome.already
        if outcome.code > self.max_code:
            self.max_code = outcome.code
        if self.write_error is None:
            self._pending.append(
                encode_line(
                    lines.job_line(outcome.line, outcome.code, outcome.message, outcome.already)
                )
            )
        # Outside the loop (the malformed lines, before connecting) the caller flushes.
        if not self._flush_scheduled and self.loop is not None:
            self._flush_scheduled = True
            self.loop.call_soon(self.flush)

    def flush(self) -> None:
        self._flush_scheduled = False
        if self._pending:
            written, self.write_error = self._stdout.write(self._pending)
            self.written += written
            self._pending = []
        if self.progress and self.done != self._shown:
            self._shown = self.done
            self._progress(lines.progress(self.done, self.total))

    def finish(self) -> None:
        """Flushes, and ends the progress line so that what follows has a line of its own."""
        self.flush()
        if self.progress and self.done:
            self._progress("\n")

    def _progress(self, text: str) -> None:
        try:
            if self._stderr is not None:
                self._stderr.write(text)
                self._stderr.flush()
        except (OSError, ValueError):
            self.progress = False

    def summary(self) -> CompleterError | None:
        """None when every job succeeded and every line was written; else the error line,
        whose exit code is the largest among the jobs (at least 1 when lines were lost)."""
        if self.write_error is not None:
            error = CompleterError(
                lines.batch_stdout_failed(
                    self.write_error, self.jobs, self.counts[0], self.total - self.written
                )
            )
            error.exit_code = max(self.max_code, 1)
            return error
        failed = self.total - self.counts[0]
        if failed == 0:
            return None
        refused, malformed, unreachable = self.counts[3], self.counts[2], self.counts[4]
        other = failed - refused - malformed - unreachable
        error = CompleterError(
            lines.batch_summary(failed, self.total, refused, malformed, unreachable, other)
        )
        error.exit_code = self.max_code
        return error


def _is_terminal(stream: IO[str] | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (OSError, ValueError):
        return False
