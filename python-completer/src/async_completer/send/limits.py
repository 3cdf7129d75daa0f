"""The size of a result or details, checked before anything is sent: a payload larger than
the server accepts is not refused by the server, it fails the Activity instead."""

from __future__ import annotations

from temporalio.converter import DataConverter

from async_completer import lines
from async_completer.lines.errors import PayloadTooLarge

# The server's default blob size limit (limit.blobSize.error).
BLOB_SIZE_LIMIT = 2 * 1024 * 1024


def _varint_size(n: int) -> int:
    return max(1, (n.bit_length() + 6) // 7)


def check_payload_size(what: str, text: str) -> None:
    """Refuses a result or details that the server would not accept (exit 2)."""
    payload = DataConverter.default.payload_converter.to_payloads([text])[0]
    # The server measures the Payloads message that wraps the payload: one tag byte and the
    # payload's length as a varint on top of the payload itself.
    p = payload.ByteSize()
    size = p + 1 + _varint_size(p)
    if size > BLOB_SIZE_LIMIT:
        raise PayloadTooLarge(lines.too_large(what, size, BLOB_SIZE_LIMIT))
