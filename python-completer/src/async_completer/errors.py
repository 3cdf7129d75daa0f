"""The failures a completer reports: one `error: ` line on standard error and an exit code.

The codes are the contract of docs/completer-cli.md, shared with the Go completer:
1 anything else, 2 usage or malformed input, 3 refused by the server, 4 server not reached,
5 cancellation requested (heartbeat only).
"""

from __future__ import annotations

import re
import sys
from typing import IO

import click


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


# The white space of Go's unicode.IsSpace (strings.TrimSpace, strings.Fields). Python's own
# idea of white space also takes \x1c-\x1f; the two completers must agree on it.
GO_WHITE_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000"
)
_GO_WHITE_SPACE_RUN = re.compile(f"[{GO_WHITE_SPACE}]+")


def one_line(text: str) -> str:
    """Messages from elsewhere (the server, the SDK) may span lines; the contract prints one.
    Every run of white space becomes one space, as Go's strings.Fields does."""
    return " ".join(part for part in _GO_WHITE_SPACE_RUN.split(text) if part)


class CompleterError(click.ClickException):
    """An expected failure. Its message is the text after `error: `."""

    exit_code = 1

    def show(self, file: IO[str] | None = None) -> None:
        # click would print "Error: ..." and, for usage errors, a usage block; the contract
        # is exactly one line.
        write_line(f"error: {self.message}", err=True)


class UsageFailure(CompleterError):
    """Usage error or malformed input, found before any request is sent."""

    exit_code = 2


class ServerRefused(CompleterError):
    """The server rejected the request: the Activity is not pending, or the request does
    not fit its state."""

    exit_code = 3


class ServerUnreachable(CompleterError):
    """The server could not be reached, or did not answer within --rpc-timeout."""

    exit_code = 4


class CancelRequested(CompleterError):
    """A heartbeat was answered with a cancellation request."""

    exit_code = 5
