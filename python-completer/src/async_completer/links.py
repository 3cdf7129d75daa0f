"""Signed action links (docs/completer-cli.md, "The link's format"): one action on one attempt
of one Activity of one Workflow run, who it is for and when it expires, signed with
HMAC-SHA-256 under the link key. `link` makes them, `serve` verifies them, the Worker's
announcements carry them; the Go completer makes byte-identical ones.

LINK is `P.S`: P the base64url (no padding) of the UTF-8 of a compact JSON array
`[1,"NAMESPACE","WORKFLOW_ID","RUN_ID","ACTIVITY_ID",ATTEMPT,"ACTION","TEXT","FOR",EXPIRES]`,
S the base64url (no padding) of HMAC-SHA-256(key, the ASCII of P). No task token is in a
link, and no state is kept: once its attempt closes or is retried, the link is void.

No temporalio, no aiohttp: the `link` verb checks its options, and serve reads its key file,
before either is imported.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import stat
import urllib.parse
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from async_completer import lines
from async_completer.lines.batch import json_string
from async_completer.lines.errors import UsageFailure
from async_completer.lines.link import ROUTE_PREFIX

# A link's data is model.py's (every layer reads it); named here too, where links are made.
from async_completer.model import APPROVE as APPROVE
from async_completer.model import REJECT as REJECT
from async_completer.model import Link as Link
from async_completer.text import os_reason

VERSION = 1
ACTIONS = (APPROVE, REJECT)
DEFAULT_FOR = "link"
DEFAULT_EXPIRES = "72h"
MAX_EXPIRES_SECONDS = 365 * 86400
MAX_TEXT_BYTES = 500
MIN_KEY_BYTES = 32

_FOR = re.compile(r"[A-Za-z0-9._@-]{1,64}")
_EXPIRES = re.compile(r"([0-9]+)([smhd])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# Go's time.RFC3339 as time.Parse reads it: a fraction of any length, Z or an offset.
_RFC3339 = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")
# What a base URL may not hold: white space and control characters, a query, a fragment.
_NOT_IN_URL = re.compile(r"[\x00-\x20\x7f?#]")


@dataclass(frozen=True)
class LinkKeys:
    """The link key file: the key that signs (and verifies), and the previous key, which
    only verifies (rotation)."""

    key: bytes
    previous: bytes | None = None

    @property
    def verifying(self) -> tuple[bytes, ...]:
        return (self.key,) if self.previous is None else (self.key, self.previous)


class BadLink(Exception):
    """A link that does not parse, or whose signature does not verify. Deliberately
    without detail: one answer for every bad link."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if not _BASE64URL.fullmatch(text) or len(text) % 4 == 1:
        raise BadLink
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def payload(link: Link) -> str:
    """P: the base64url of the compact JSON array, strings as the batch lines encode them."""
    fields = [
        str(VERSION),
        json_string(link.namespace),
        json_string(link.workflow_id),
        json_string(link.run_id),
        json_string(link.activity_id),
        str(link.attempt),
        json_string(link.action),
        json_string(link.text),
        json_string(link.for_name),
        str(link.expires),
    ]
    return _b64(("[" + ",".join(fields) + "]").encode("utf-8"))


def _signature(key: bytes, p: str) -> str:
    return _b64(hmac.new(key, p.encode("ascii"), hashlib.sha256).digest())


def sign(link: Link, key: bytes) -> str:
    """LINK: P.S."""
    p = payload(link)
    return f"{p}.{_signature(key, p)}"


def make_url(base_url: str, link: Link, key: bytes) -> str:
    """BASE/a/LINK, base_url as check_base_url returns it (no trailing slash)."""
    return f"{base_url}{ROUTE_PREFIX}{sign(link, key)}"


def _reject_constant(name: str) -> object:
    raise ValueError(name)


def _whole(value: object) -> int:
    """A JSON whole number (not a boolean, not a fraction)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadLink
    return value


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise BadLink
    return value


def verify(text: str, keys: LinkKeys) -> Link:
    """The link of LINK text, once its signature verifies under the key or the previous
    one. Raises BadLink for anything else: the same for every fault."""
    p, dot, s = text.partition(".")
    if not dot or not p or not s:
        raise BadLink
    try:
        given = s.encode("ascii")
        p.encode("ascii")
    except UnicodeEncodeError as err:
        raise BadLink from err
    # Every key is tried, each compared in constant time.
    verified = False
    for key in keys.verifying:
        if hmac.compare_digest(_signature(key, p).encode("ascii"), given):
            verified = True
    if not verified:
        raise BadLink
    try:
        fields = json.loads(_unb64(p).decode("utf-8"), parse_constant=_reject_constant)
    except (ValueError, RecursionError) as err:
        raise BadLink from err
    if not isinstance(fields, list) or len(fields) != 10 or _whole(fields[0]) != VERSION:
        raise BadLink
    link = Link(
        namespace=_text(fields[1]),
        workflow_id=_text(fields[2]),
        run_id=_text(fields[3]),
        activity_id=_text(fields[4]),
        attempt=_whole(fields[5]),
        action=_text(fields[6]),
        text=_text(fields[7]),
        for_name=_text(fields[8]),
        expires=_whole(fields[9]),
    )
    if link.action not in ACTIONS:
        raise BadLink
    return link


def expired(link: Link, now: float) -> bool:
    return now > link.expires


# The options of `link` (and the Worker's announcements), checked before anything is sent.


def check_for(name: str) -> str:
    if not _FOR.fullmatch(name):
        raise UsageFailure(lines.BAD_FOR)
    return name


def check_text(text: str) -> str:
    if len(text.encode("utf-8", "surrogateescape")) > MAX_TEXT_BYTES:
        raise UsageFailure(lines.LINK_TEXT_TOO_LONG)
    return text


def parse_expires(text: str) -> int:
    """--expires: a whole number of s, m, h or d, at least one second, at most 365d; in
    seconds."""
    match = _EXPIRES.fullmatch(text)
    if match is not None:
        seconds = int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        if 1 <= seconds <= MAX_EXPIRES_SECONDS:
            return seconds
    raise UsageFailure(lines.bad_expires(text))


def parse_expires_at(text: str, now: float) -> int:
    """--expires-at: an RFC 3339 time in the future, to the second (the fraction dropped);
    in seconds since the epoch."""
    match = _RFC3339.fullmatch(text)
    if match is not None:
        year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
        zone = match.group(8)
        try:
            offset: tzinfo = UTC
            if zone != "Z":
                hours, minutes = int(zone[1:3]), int(zone[4:6])
                if hours > 23 or minutes > 59:
                    raise ValueError(zone)
                sign_ = -1 if zone[0] == "-" else 1
                offset = timezone(sign_ * timedelta(hours=hours, minutes=minutes))
            moment = datetime(year, month, day, hour, minute, second, tzinfo=offset)
        except ValueError:
            moment = None
        if moment is not None:
            since = moment - _EPOCH
            seconds = since.days * 86400 + since.seconds
            if seconds > now:
                return seconds
    raise UsageFailure(lines.bad_expires_at(text))


def check_base_url(text: str) -> str:
    """--base-url: http:// or https:// and a host, maybe a path, no query or fragment.
    Returns it without a trailing slash."""
    if (text.startswith("http://") or text.startswith("https://")) and not _NOT_IN_URL.search(text):
        try:
            parts = urllib.parse.urlsplit(text)
            host = parts.hostname
            port_ok = parts.port is None or parts.port >= 0
        except ValueError:
            host, port_ok = None, False
        if host and port_ok:
            return text.removesuffix("/")
    raise UsageFailure(lines.bad_base_url(text))


# The link key file.


def _line_key(line: bytes) -> bytes:
    return line[:-1] if line.endswith(b"\r") else line


def read_keys(path: str) -> tuple[LinkKeys, str | None]:
    """The link key file: the key on its first line, the previous key on its second (if
    any), each the line's bytes as written, at least 32 of them. Returns the keys, and the
    warning line when users other than the owner can read the file."""
    try:
        with open(path, "rb") as file:
            data = file.read()
            mode = os.fstat(file.fileno()).st_mode
    except (OSError, ValueError) as err:
        raise UsageFailure(lines.cannot_read_link_key(path, os_reason(err))) from err
    file_lines = data.split(b"\n")
    key = _line_key(file_lines[0])
    previous = _line_key(file_lines[1]) if len(file_lines) > 1 else b""
    if len(key) < MIN_KEY_BYTES:
        raise UsageFailure(lines.link_key_too_short(1, path))
    if previous and len(previous) < MIN_KEY_BYTES:
        raise UsageFailure(lines.link_key_too_short(2, path))
    readable = mode & (stat.S_IRGRP | stat.S_IROTH)
    warning = lines.link_key_readable(path) if readable else None
    return LinkKeys(key, previous or None), warning
