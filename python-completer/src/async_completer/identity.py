"""Who acted: the identity every request carries, which the server writes into the history
event that closes the Activity (docs/completer-cli.md, "The recorded identity").

`ACTOR via python-completer SURFACE@HOST[ key=KEY]`: the same form as the Go completer's, so
an audit of one Workflow's history tells who decided, through which surface (`cli`, `serve`)
and which language, and which idempotency key the request carried. The history is the only
state: a repeated request is recognised by what this text and the event's payload say.

No temporalio: the command line checks --identity and --idempotency-key before anything is
sent.
"""

from __future__ import annotations

import os
import re
import socket

LANG = "python"
CLI = "cli"
SERVE = "serve"
MAX_LENGTH = 128
# Control characters (C0, DEL and C1) make an identity that a history viewer cannot show on
# one line; surrogates are bytes that were not UTF-8, which no request can carry.
_NOT_IN_IDENTITY = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_KEY = re.compile("[!-~]{1,128}")
_KEY_MARK = " key="
UNAUTHENTICATED = " (unauthenticated)"
ANONYMOUS = "anonymous" + UNAUTHENTICATED
LINK = " (link)"


def valid_identity(text: str) -> bool:
    """1 to 128 characters, none of them a control character."""
    return 1 <= len(text) <= MAX_LENGTH and not _NOT_IN_IDENTITY.search(text)


def valid_key(text: str) -> bool:
    """An idempotency key: 1 to 128 printable ASCII characters, no space (`!` to `~`)."""
    return _KEY.fullmatch(text) is not None


def host() -> str:
    return socket.gethostname()


def default_actor() -> str:
    """The SDKs' own default identity, PID@HOST: the CLI's actor without --identity."""
    return f"{os.getpid()}@{host()}"


def recorded(actor: str, surface: str, key: str | None = None) -> str:
    """The identity sent with a request, and so recorded in the history."""
    text = f"{actor} via {LANG}-completer {surface}@{host()}"
    return text + _KEY_MARK + key if key else text


def cli_identity(actor: str | None, key: str | None) -> str:
    """The identity of a command-line request (a batch job's too)."""
    return recorded(actor or default_actor(), CLI, key)


def unauthenticated(actor: str | None) -> str:
    """The ACTOR of a request to a loopback serve without credentials: what the request
    says it is, marked as such."""
    return actor + UNAUTHENTICATED if actor else ANONYMOUS


def link_actor(name: str) -> str:
    """The ACTOR of an action taken through a signed link: who the link was for."""
    return name + LINK


def carries_key(identity: str, key: str) -> bool:
    """Whether a recorded identity carries this idempotency key (keys hold no space, so the
    key is the text after the last ` key=`, to the end)."""
    return identity.endswith(_KEY_MARK + key)
