"""The Workflow's history, read after a refusal "not pending any more": read.py pages
through it and says what closed the Activity (a Finding), record.py reads the same from a
standalone Activity's own record, repeat.py whether a request repeats that. A pure read
returning data: what to answer is send/refusal.py's, its words lines/history.py's (Go:
internal/history).

Importing this package imports temporalio.
"""

from async_completer.history.read import Reader, Seen, finding_of, one_text, read_history
from async_completer.history.record import read_record
from async_completer.history.repeat import repeats

__all__ = ["Reader", "Seen", "finding_of", "one_text", "read_history", "read_record", "repeats"]
