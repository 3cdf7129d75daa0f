"""The Activities that wait to be finished (`list`): activity.py reads one from the server's
answer, listing.py finds them all, attempt.py the attempt pending now of one. Mirrors
go-completer/internal/pending.

Importing this package imports temporalio: `list` imports it only when it runs.
"""

from async_completer.model import PendingActivity, Time
from async_completer.pending.activity import detail_text, row_of
from async_completer.pending.attempt import pending_attempt
from async_completer.pending.listing import DEFAULT_QUERY, Lister, Scope, Sink, pending_of

__all__ = [
    "DEFAULT_QUERY",
    "Lister",
    "PendingActivity",
    "Scope",
    "Sink",
    "Time",
    "detail_text",
    "pending_attempt",
    "pending_of",
    "row_of",
]
