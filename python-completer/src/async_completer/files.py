"""The files a command line names: --result-file and --batch (`-`: standard input).

A file that cannot be read is a usage error (exit 2), with the operating system's reason in
the words the Go completer prints for it.
"""

from __future__ import annotations

import sys

from async_completer import lines
from async_completer.lines.errors import UsageFailure
from async_completer.text import os_reason

# Some editors start a UTF-8 file with a byte-order mark: it is no part of the first line.
UTF8_BOM = b"\xef\xbb\xbf"


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
        raise UsageFailure(lines.cannot_read_result_file(path, os_reason(err))) from err
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise UsageFailure(lines.result_file_not_utf8(path)) from err


def read_batch_file(path: str) -> bytes:
    """--batch FILE, or standard input for `-`, without a leading byte-order mark."""
    try:
        data = read_bytes(path)
    except (OSError, ValueError) as err:
        raise UsageFailure(lines.cannot_read_batch_file(path, os_reason(err))) from err
    return data.removeprefix(UTF8_BOM)
