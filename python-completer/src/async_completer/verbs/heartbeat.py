"""`heartbeat`: records a heartbeat, with details if given; exit 5 when the server answers
that cancellation was requested."""

from __future__ import annotations

from async_completer.verbs.options import details_verb

heartbeat = details_verb(
    "heartbeat",
    "Heartbeat details (default: none).",
    "Records a heartbeat; exits 5 when the server asks the Activity to cancel.",
)
