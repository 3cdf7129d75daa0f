"""The failures a completer reports, as exceptions that carry their exit code. The line
printed for each is lines/'s; cli.py prints it, `error: ` first, on standard error.

The codes are the contract of docs/completer-cli.md, shared with the Go completer:
1 anything else, 2 usage or malformed input, 3 refused by the server, 4 server not reached,
5 cancellation requested (heartbeat only).
"""

from __future__ import annotations

import click


class CompleterError(click.ClickException):
    """An expected failure. Its message is the text after `error: `."""

    exit_code = 1


class UsageFailure(CompleterError):
    """Usage error or malformed input, found before any request is sent."""

    exit_code = 2


class PayloadTooLarge(UsageFailure):
    """A result or details larger than the server accepts (serve answers it 413)."""


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
