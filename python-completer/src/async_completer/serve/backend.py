"""What the routes ask of Temporal, behind one interface (Go: internal/serve Backend): act on
one job, list what is pending, health, the identity an action would record, and a signed
link's page. serve/ knows HTTP and this interface; the backend that reaches Temporal is
wiring (verbs/serve_backend.py), and the tests hand in a fake.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from async_completer.lines.errors import CompleterError, PayloadTooLarge
from async_completer.model import Asked, Link


@dataclass(frozen=True)
class Answer:
    """What became of a request to the backend: the exit code the CLI gives for the same
    case, and its line without `error: ` (the success line for code 0). too_large: a result
    or details larger than Temporal accepts (413, not 400); already: a repeat of what closed
    the Activity, answered as done."""

    code: int
    message: str
    too_large: bool = False
    already: bool = False

    @classmethod
    def of(cls, err: CompleterError) -> Answer:
        return cls(err.exit_code, err.message, too_large=isinstance(err, PayloadTooLarge))


@dataclass(frozen=True)
class ActRequest:
    """One POST /v1/VERB: the body (one JSON object, the white space around it trimmed),
    the NAME of its credential (None on a listener without credentials, where a job may
    name itself) and its Idempotency-Key header (None without one)."""

    verb: str
    body: str
    credential: str | None
    key_header: str | None


@dataclass(frozen=True)
class Scope:
    """What GET /v1/pending lists: list's --workflow-id ("" none) and --query (None: not
    given, the default query)."""

    workflow_id: str
    query: str | None


# Which page a link route answers, and so its status (serve/links.py).
LINK_SHOWN = "shown"  # a confirmation, a GET of a link that can no longer act, or a POST done
LINK_INVALID = "invalid"  # does not parse, or does not verify
LINK_EXPIRED = "expired"
LINK_REFUSED = "refused"  # a POST to an Activity not pending at the link's attempt; a namespace
LINK_UNREACHABLE = "unreachable"
LINK_FAILED = "failed"


@dataclass(frozen=True)
class LinkAnswer:
    """One page of link.html: its kind, title and message, the link it describes (None: a
    bad link, every field `-`), its form (the page's own markup), and what the Activity
    asks (None: not read, `-`)."""

    kind: str
    title: str
    message: str
    link: Link | None
    form: str = ""
    asked: Asked | None = None


class Backend(Protocol):
    """Does what the routes ask of Temporal. Each method bounds its Temporal requests by
    --rpc-timeout."""

    async def act(self, request: ActRequest) -> Answer:
        """Checks the request's job as a --batch job of its verb, and sends it."""

    async def pending(self, scope: Scope) -> bytes | Answer:
        """The `list --json` lines of scope, read whole, or the failure that stopped it."""

    async def health(self) -> Answer:
        """Whether the Temporal server answers a health check."""

    def identity(self, credential: str | None, name: str | None) -> Answer:
        """The identity an action sent now would record (without a key): the credential's
        NAME, or without credentials the name given (None: none)."""

    async def link(self, text: str, act: bool) -> LinkAnswer:
        """Checks a signed link and says what it names (act False), or does it (act True)."""
