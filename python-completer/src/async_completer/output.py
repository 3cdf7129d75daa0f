"""Writing to standard output and standard error: whole lines, as UTF-8 bytes, and a batch's
JSON lines as its jobs finish."""

from __future__ import annotations

import sys
from collections import Counter
from typing import IO, TYPE_CHECKING

from async_completer import lines
from async_completer.errors import CompleterError
from async_completer.jobs import Outcome
from async_completer.text import one_line

if TYPE_CHECKING:
    from asyncio import AbstractEventLoop


def write_line(text: str, *, err: bool = False) -> None:
    """Writes one line as UTF-8 bytes. Text that came from the command line or standard
    input may hold bytes that are not UTF-8 (Python keeps them as surrogates); they go out
    as they came in rather than crashing the encoder."""
    stream: IO[str] | None = sys.stderr if err else sys.stdout
    if stream is None:
        return
    data = (text + "\n").encode("utf-8", "surrogateescape")
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        stream.flush()
        buffer.write(data)
        buffer.flush()
    else:
        stream.write(data.decode("utf-8", "replace"))
        stream.flush()


class BatchOutput:
    """Writes one JSON line per finished job and counts the outcomes.

    Lines go into standard output's buffer as jobs finish; inside the event loop the buffer
    is flushed once per turn of the loop (all the jobs that finished in that turn together),
    so a reader sees each line at once without a system call per line. The progress line
    (`\\r<done>/<total> jobs`, only on a terminal) is rewritten at the same moments."""

    def __init__(
        self,
        total: int,
        *,
        stdout: IO[str] | None = None,
        stderr: IO[str] | None = None,
        progress: bool | None = None,
    ) -> None:
        self.total = total
        self.done = 0
        self.counts: Counter[int] = Counter()
        self.max_code = 0
        self.write_error: str | None = None
        self._stdout = stdout if stdout is not None else sys.stdout
        self._stderr = stderr if stderr is not None else sys.stderr
        if progress is None:
            progress = _is_terminal(self._stderr)
        self.progress = progress
        self._buffer: IO[bytes] | None = getattr(self._stdout, "buffer", None)
        self._flush_scheduled = False
        self._shown = 0  # the count the progress line shows
        # Set by send_all: the event loop whose turns the flushes follow.
        self.loop: AbstractEventLoop | None = None
        if self._stdout is not None:
            self._stdout.flush()  # what the text layer holds goes first

    def add(self, outcome: Outcome) -> None:
        self.done += 1
        self.counts[outcome.code] += 1
        if outcome.code > self.max_code:
            self.max_code = outcome.code
        self._write(lines.job_line(outcome.line, outcome.code, outcome.message) + "\n")
        # Outside the loop (the malformed lines, before connecting) the caller flushes.
        if not self._flush_scheduled and self.loop is not None:
            self._flush_scheduled = True
            self.loop.call_soon(self.flush)

    def _write(self, text: str) -> None:
        if self.write_error is not None or self._stdout is None:
            return
        try:
            if self._buffer is not None:
                try:
                    data = text.encode("utf-8", "surrogateescape")
                except UnicodeEncodeError:
                    data = text.encode("utf-8", "replace")
                self._buffer.write(data)
            else:
                self._stdout.write(text)
        except (OSError, ValueError) as err:
            self.write_error = one_line(str(err)) or type(err).__name__

    def flush(self) -> None:
        self._flush_scheduled = False
        if self.write_error is None and self._stdout is not None:
            try:
                (self._buffer or self._stdout).flush()
            except (OSError, ValueError) as err:
                self.write_error = one_line(str(err)) or type(err).__name__
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
        """None when every job succeeded; else the error line counting the jobs that did
        not, whose exit code is the largest among them."""
        if self.write_error is not None:
            return CompleterError(lines.results_not_written(self.write_error))
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
