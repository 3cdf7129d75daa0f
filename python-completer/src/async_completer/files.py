"""The files a command line names: --result-file and --batch (`-`: standard input).

A file that cannot be read is a usage error (exit 2), worded with the operating system's
reason as the Go completer words it: Go's syscall error texts are the C library's with the
first letter in lower case ("no such file or directory"), so the two completers print the
same line.
"""

from __future__ import annotations

import sys

from async_completer.errors import UsageFailure, one_line


def os_reason(err: Exception) -> str:
    """The operating system's words for why a file could not be read, without the path."""
    if isinstance(err, OSError) and err.strerror:
        reason = err.strerror
    elif isinstance(err, ValueError):
        # A path with a NUL character: the system call refuses it with EINVAL in Go.
        reason = "invalid argument"
    else:
        reason = str(err) or type(err).__name__
    return one_line(reason[:1].lower() + reason[1:])


def read_bytes(path: str) -> bytes:
    """The whole file, or standard input for `-` (only where the caller allows it)."""
    if path == "-":
        stdin = sys.stdin
        if stdin is None:
            return b""
        buffer = getattr(stdin, "buffer", None)
        if buffer is None:
            return stdin.read().encode("utf-8", "surrogateescape")
        data: bytes = buffer.read()
        return data
    with open(path, "rb") as file:
        return file.read()


def read_result_file(path: str) -> str:
    """--result-file: the file's content is the result, unchanged, and must be UTF-8."""
    try:
        with open(path, "rb") as file:
            data = file.read()
    except (OSError, ValueError) as err:
        raise UsageFailure(f'cannot read the result file "{path}": {os_reason(err)}') from err
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise UsageFailure(f'the result file "{path}" is not UTF-8 text') from err


def read_batch_file(path: str) -> bytes:
    """--batch FILE, or standard input for `-`."""
    try:
        return read_bytes(path)
    except (OSError, ValueError) as err:
        raise UsageFailure(f'cannot read the batch file "{path}": {os_reason(err)}') from err
