"""Signed action links: the `link` verb's faults (docs/completer-cli.md, "Signed action
links: `link`"), the link key file's, and the words of the pages `serve` answers a link with
(docs/completer-http.md, "Signed links")."""

from __future__ import annotations

# The route of a signed link: BASE/a/LINK.
ROUTE_PREFIX = "/a/"

# The link verb's faults (exit 2).

BAD_ACTION = "--action must be approve or reject"
TEXT_FOR_OTHER_ACTION = "--result goes with --action approve, --reason with --action reject"
REJECT_NEEDS_REASON = "--action reject needs --reason TEXT: say why"
LINK_TEXT_TOO_LONG = (
    "a link's result or reason is at most 500 bytes of UTF-8: link to the data instead"
)
BAD_FOR = "--for must be 1 to 64 of A-Z a-z 0-9 . _ @ -"
BOTH_EXPIRES = "give either --expires or --expires-at, not both"
LINK_NEEDS_URL_AND_KEY = "link needs --base-url URL and --link-key-file FILE"


def bad_expires(value: str) -> str:
    return f'--expires "{value}" is not a duration: use for example 90m, 72h or 7d (at most 365d)'


def bad_expires_at(value: str) -> str:
    return f'--expires-at "{value}" is not a future RFC 3339 time, such as 2026-12-06T09:00:00Z'


def bad_base_url(value: str) -> str:
    return f'--base-url "{value}" is not an http:// or https:// URL without a query'


# The link key file (the link verb's, serve's --link-key-file).


def cannot_read_link_key(path: str, reason: str) -> str:
    return f'cannot read the link key file "{path}": {reason}'


def link_key_too_short(number: int, path: str) -> str:
    return (
        f'the link key on line {number} of "{path}" is shorter than 32 bytes: make one with '
        "openssl rand -hex 32"
    )


def link_key_readable(path: str) -> str:
    """A warning, not an error: the whole line on standard error."""
    return f'warning: the link key file "{path}" can be read by other users: chmod 600 {path}'


# The pages of /a/LINK: TITLE and MESSAGE of each.

TITLE_BAD_LINK = "This link is not valid"
BAD_LINK = "This link is not valid."
TITLE_EXPIRED = "This link has expired"
TITLE_CANNOT_ACT = "This link can no longer act"
TITLE_UNREACHABLE = "Temporal cannot be reached"
TITLE_ERROR = "Something went wrong"


def link_expired(time: str) -> str:
    return f"This link expired at {time}."


def link_other_namespace(namespace: str, served: str) -> str:
    return f'This link is for namespace "{namespace}"; this server acts in "{served}".'


def confirm_title(action: str) -> str:
    """Approve? or Reject?"""
    return f"{action.capitalize()}?"


def confirm(desc: str, action: str) -> str:
    return f"{desc} is pending: press the button to {action} it."


def confirm_form(action: str) -> str:
    """FORM of the confirmation: one button that POSTs to the same URL."""
    return f'<form method="post"><button type="submit">{action.capitalize()}</button></form>'


def done_title(action: str) -> str:
    """Approved or Rejected."""
    return "Approved" if action == "approve" else "Rejected"
