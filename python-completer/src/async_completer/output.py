"""Writing to standard output and standard error: whole lines, as UTF-8 bytes, and a batch's
JSON lines as its jobs finish.

Standard output can close early (`... | head -1`). Python ignores SIGPIPE, so a write fails
with EPIPE instead of killing the process; what the completer says then is the contract's
(a single command: the request was sent and succeeded; a batch: every job is still sent,
and how many lines were not written).
"""

from __future__ import annotations

import errno
import io
import os
import sys
from collections import Counter
from collections.abc import Callable
from typing import IO, TYPE_CHECKING

from async_completer import lines
from async_completer.errors import CompleterError
from async_completer.jobs import Outcome
from async_completer.text import os_reason

if TYPE_CHECKING:
    from asyncio import AbstractEventLoop


def write_line(text: str, *, err: bool = False) -> None:
    """Writes one line as UTF-8 bytes. Text that came from the command line or standard
    input may hold bytes that are not UTF-8 (Python keeps them as surrogates); they go out
    as they came in rather than crashing the encoder. Raises OSError or ValueError when the
    stream cannot be written."""
    stream: IO[str] | None = sys.stderr if err else sys.stdout
    if stream is None:
        # Python sets a stream to None when its descriptor was closed before it started.
        raise OSError(errno.EBADF, os.strerror(errno.EBADF))
    data = (text + "\n").encode("utf-8", "surrogateescape")
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        stream.flush()
        buffer.write(data)
        buffer.flush()
    else:
        stream.write(data.decode("utf-8", "replace"))
        stream.flush()


def write_reason(err: BaseException) -> str:
    """R of the contract's line: the operating system's words ("broken pipe")."""
    if isinstance(err, OSError):
        return os_reason(err)
    return os.strerror(errno.EBADF).lower()  # a stream closed inside the process


def print_result(
    text: str, failure: Callable[[str], str] = lines.stdout_failed_after_request
) -> None:
    """The line of a success on standard output. If it cannot be written, the failure says
    so with the reason (the request itself was sent and succeeded)."""
    try:
        write_line(text)
    except (OSError, ValueError) as err:
        raise CompleterError(failure(write_reason(err))) from err


class Stdout:
    """Standard output as bytes, for many lines: says how many of the lines given were
    written whole when a write fails part way."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self._stream = stream if stream is not None else sys.stdout
        self._buffer: IO[bytes] | None = getattr(self._stream, "buffer", None)
        # With a descriptor, os.write says how many bytes went out before a failure; a
        # buffered writer would not.
        self._fd: int | None = None
        if self._stream is not None:
            try:
                self._stream.flush()  # what the text layer holds goes first
                if self._buffer is not None:
                    self._buffer.flush()
                self._fd = self._stream.fileno()
            except (OSError, ValueError, io.UnsupportedOperation, AttributeError):
                self._fd = None

    def write(self, chunks: list[bytes]) -> tuple[int, str | None]:
        """Writes the chunks (each one whole line) in order. Returns how many were written
        whole, and the reason of a failure (None: all of them were)."""
        data = b"".join(chunks)
        done, error = self._write_bytes(data)
        if error is None:
            return len(chunks), None
        whole = 0
        for chunk in chunks:
            if done < len(chunk):
                break
            done -= len(chunk)
            whole += 1
        return whole, error

    def _write_bytes(self, data: bytes) -> tuple[int, str | None]:
        if self._stream is None:
            return 0, write_reason(ValueError())
        if self._fd is not None:
            view = memoryview(data)
            done = 0
            while done < len(data):
                try:
                    done += os.write(self._fd, view[done:])
                except OSError as err:
                    return done, write_reason(err)
            return done, None
        try:
            if self._buffer is not None:
                self._buffer.write(data)
                self._buffer.flush()
            else:
                self._stream.write(data.decode("utf-8", "replace"))
                self._stream.flush()
        except (OSError, ValueError) as err:
            return 0, write_reason(err)
        return len(data), None


def encode_line(text: str) -> bytes:
    try:
        return (text + "\n").encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return (text + "\n").encode("utf-8", "replace")


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
