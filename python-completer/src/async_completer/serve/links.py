"""GET, HEAD and POST /a/LINK: a signed action link, for a person (docs/completer-http.md,
"Signed links"). The signature is the credential; the answers are HTML pages, each the one
template page/link.html filled as the contract's table says (Go: internal/serve/links.go).

GET and HEAD never act: the scanners of mail and chat that open every link do nothing; POST
(the page's button) acts. What a link names, whether it may act, and the acting are the
Backend's (verbs/serve_links.py); this module knows the route, the statuses and the page.
"""

from __future__ import annotations

import re

from aiohttp import web

from async_completer import lines
from async_completer.model import APPROVE, Asked, Link
from async_completer.serve import backend
from async_completer.serve.answer import html
from async_completer.serve.backend import Backend

# The status of each kind of link page.
STATUSES = {
    backend.LINK_SHOWN: 200,
    backend.LINK_INVALID: 403,
    backend.LINK_EXPIRED: 410,
    backend.LINK_REFUSED: 409,
    backend.LINK_UNREACHABLE: 503,
    backend.LINK_FAILED: 500,
}
_PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")
_FIELDS = (
    "WORKFLOW_ID",
    "RUN_ID",
    "ACTIVITY_ID",
    "ATTEMPT",
    "ACTION",
    "TEXT_LABEL",
    "TEXT",
    "FOR",
    "EXPIRES",
)
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"})


def escape(text: str) -> str:
    """Go's html.EscapeString: & < > " ' as &amp; &lt; &gt; &#34; &#39;."""
    return text.translate(_ESCAPES)


def fields_of(link: Link | None) -> dict[str, str]:
    """The page's fields that describe the link; `-` for each of them without one."""
    if link is None:
        return dict.fromkeys(_FIELDS, "-")
    approve = link.action == APPROVE
    return {
        "WORKFLOW_ID": link.workflow_id or "(standalone)",
        "RUN_ID": link.run_id,
        "ACTIVITY_ID": link.activity_id,
        "ATTEMPT": str(link.attempt),
        "ACTION": "Approve" if approve else "Reject",
        "TEXT_LABEL": "Result" if approve else "Reason",
        "TEXT": link.text,
        "FOR": link.for_name,
        "EXPIRES": link.expires_at,
    }


def fill(
    template: str,
    title: str,
    message: str,
    link: Link | None,
    form: str = "",
    asked: Asked | None = None,
) -> bytes:
    """The page: every {{NAME}} replaced in one pass by its escaped value; FORM is the
    page's own markup, not escaped."""
    values = {
        "TITLE": escape(title),
        "MESSAGE": escape(message),
        **{name: escape(value) for name, value in fields_of(link).items()},
        "SUMMARY": escape(lines.summary_shown(asked)),
        "INPUT": escape(lines.input_shown(asked)),
        "FORM": form,
    }
    filled = _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)
    return filled.encode("utf-8", "replace")


class LinkRoutes:
    """GET and HEAD (show) and POST (act) /a/LINK, on a backend."""

    def __init__(self, backend: Backend, template: str) -> None:
        self._backend = backend
        self._template = template

    async def get(self, request: web.Request) -> web.StreamResponse:
        return await self._answer(request, act=False)

    async def post(self, request: web.Request) -> web.StreamResponse:
        return await self._answer(request, act=True)

    async def _answer(self, request: web.Request, act: bool) -> web.StreamResponse:
        page = await self._backend.link(request.match_info["link"], act)
        body = fill(self._template, page.title, page.message, page.link, page.form, page.asked)
        return html(STATUSES[page.kind], body)
