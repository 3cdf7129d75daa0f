"""What a pending Activity asks, in words: the table's ASKS cell, the link pages' summary and
input, and the answers of GET /v1/activity (Go: internal/lines/asked.go)."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from async_completer.lines.request import desc

if TYPE_CHECKING:
    from async_completer.model import Asked

# What Go's JSON decoder turns a lone surrogate escape (\ud800) into; Python keeps it.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
ACTIVITY_NEEDS_IDS = "give the query parameters workflow_id and activity_id"


def activity_not_pending(workflow_id: str, activity_id: str) -> str:
    return f"{desc(workflow_id, activity_id, None)} is not pending"


def argument_text(item: str) -> str:
    """An argument as a person reads it: a text as that text (a lone surrogate as U+FFFD,
    as Go decodes it), anything else as its JSON."""
    if not item.startswith('"'):
        return item
    return _LONE_SURROGATE.sub("\ufffd", json.loads(item))


def asked_text(asked: Asked | None) -> str | None:
    """What the Activity asks in one text: its summary, or else its arguments separated by
    ", "; None when there is nothing to show."""
    if asked is None:
        return None
    if asked.summary is not None:
        text = asked.summary
    else:
        text = ", ".join(argument_text(item) for item in asked.input)
    return text or None


def summary_shown(asked: Asked | None) -> str:
    """A link page's summary: the text, or `-` for none."""
    return "-" if asked is None or not asked.summary else asked.summary


def input_shown(asked: Asked | None) -> str:
    """A link page's whole input: each argument on its own line (a text as that text,
    anything else as its JSON), or `-` for none."""
    if asked is None or not asked.input:
        return "-"
    return "\n".join(argument_text(item) for item in asked.input)
