"""The faults of who acts (docs/completer-cli.md, "The recorded identity"): --identity and
--idempotency-key, and a job's "identity" and "idempotency_key". The identity itself is
composed by identity.py."""

from __future__ import annotations

from async_completer.lines.batch import NOT_A_JOB

BAD_IDENTITY = "--identity must be 1 to 128 characters without control characters"
BAD_KEY = "--idempotency-key must be 1 to 128 printable ASCII characters without spaces"
JOB_BAD_IDENTITY = NOT_A_JOB + '"identity" must be 1 to 128 characters without control characters'
JOB_BAD_KEY = (
    NOT_A_JOB + '"idempotency_key" must be 1 to 128 printable ASCII characters without spaces'
)
