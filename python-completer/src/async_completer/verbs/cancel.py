"""`cancel`: reports the Activity as cancelled, which the server accepts only after a
cancellation was requested for it."""

from __future__ import annotations

from async_completer.verbs.options import details_verb

cancel = details_verb(
    "cancel",
    "Cancellation details (default: none).",
    "Reports the Activity as cancelled (only after a cancellation was requested).",
)
