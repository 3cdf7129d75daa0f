"""The Activities that wait to be finished (`list`): activity.py reads one from the server's
answer, listing.py finds them all. Mirrors go-completer/internal/pending.

Importing this package imports temporalio: `list` imports it only when it runs.
"""

from async_completer.pending.activity import PendingActivity, Time, detail_text, row_of
from async_completer.pending.listing import (
    DEFAULT_QUERY,
    Lister,
    Scope,
    Sink,
    list_pending,
    pending_attempt,
    pending_of,
)

__all__ = [
    "DEFAULT_QUERY",
    "Lister",
    "PendingActivity",
    "Scope",
    "Sink",
    "Time",
    "detail_text",
    "list_pending",
    "pending_attempt",
    "pending_of",
    "row_of",
]
