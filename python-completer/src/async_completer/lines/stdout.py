"""Writing to standard output and standard error: whole lines, as UTF-8 bytes (Go:
internal/lines/stdout.go).

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
from collections.abc import Callable
from typing import IO

from async_completer import lines
from async_completer.lines.errors import CompleterError
from async_completer.text import os_reason


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
