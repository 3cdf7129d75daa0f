"""Who may call serve: the credentials of --auth-token-file, and the Authorization header that
carries one (`Bearer SECRET`). Read exactly as the Go completer reads them (internal/serve),
so that one file and one header mean the same to both.

No aiohttp, no temporalio: verbs/serve.py reads the file before it imports them.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from async_completer import lines
from async_completer.lines.errors import UsageFailure
from async_completer.text import GO_WHITE_SPACE, os_reason

# A secret short enough to guess is no credential.
MIN_SECRET_LENGTH = 16
DEFAULT_NAME = "api"  # the NAME of a line that holds a bare SECRET
_NAME = re.compile(r"[A-Za-z0-9._@-]{1,64}")
_FIELDS = re.compile(f"[^{GO_WHITE_SPACE}]+")
_SURROGATE = re.compile("[\udc80-\udcff]")  # a byte that is not UTF-8, kept by surrogateescape
_BOM = b"\xef\xbb\xbf"


def _digest(secret: bytes) -> bytes:
    # Digests of equal length compared in constant time say nothing of a secret, not even
    # its length.
    return hashlib.sha256(secret).digest()


@dataclass(frozen=True)
class Credentials:
    """The secrets callers may send, each (as its SHA-256) with its NAME."""

    entries: tuple[tuple[str, bytes], ...]

    def match(self, secret: str) -> str | None:
        """The NAME of the credential whose secret this is, or None. Every secret is
        compared, each in constant time, whichever matches."""
        digest = _digest(secret.encode("utf-8", "surrogateescape"))
        found: str | None = None
        for name, expected in self.entries:
            if hmac.compare_digest(digest, expected) and found is None:
                found = name
        return found


def read_credentials(path: str) -> Credentials:
    """--auth-token-file: one credential a line, SECRET or NAME SECRET; blank lines and lines
    starting with `#` are skipped. A file without a credential is refused too, naming its
    last line."""
    try:
        with open(path, "rb") as file:
            data = file.read()
    except (OSError, ValueError) as err:
        raise UsageFailure(lines.cannot_read_credentials(path, os_reason(err))) from err
    file_lines = data.removeprefix(_BOM).split(b"\n")
    # A file that ends with a newline has no line after it.
    if len(file_lines) > 1 and file_lines[-1] == b"":
        file_lines.pop()
    entries: list[tuple[str, bytes]] = []
    for number, raw in enumerate(file_lines, start=1):
        line = raw.decode("utf-8", "surrogateescape").strip(GO_WHITE_SPACE)
        if not line or line[0] == "#":
            continue
        credential = _parse_line(line)
        if credential is None:
            raise UsageFailure(lines.no_credential_on_line(path, number))
        entries.append(credential)
    if not entries:
        raise UsageFailure(lines.no_credential_on_line(path, max(len(file_lines), 1)))
    return Credentials(tuple(entries))


def _parse_line(line: str) -> tuple[str, bytes] | None:
    """NAME and the secret's digest of a line that is neither blank nor a comment."""
    if _SURROGATE.search(line):
        return None  # not UTF-8
    fields = _FIELDS.findall(line)
    if len(fields) == 1:
        name, secret = DEFAULT_NAME, fields[0]
    elif len(fields) == 2 and _NAME.fullmatch(fields[0]):
        name, secret = fields
    else:
        return None
    if len(secret) < MIN_SECRET_LENGTH:
        return None
    return name, _digest(secret.encode("utf-8"))


def bearer(header: str | None) -> str | None:
    """The secret of an Authorization header `Bearer SECRET` (the scheme in any case), or
    None for any other header."""
    if header is None:
        return None
    scheme, space, secret = header.partition(" ")
    if not space or scheme.lower() != "bearer" or not secret:
        return None
    return secret
