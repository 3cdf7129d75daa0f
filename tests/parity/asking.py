"""A Workflow for the tests of what pending Activities ask: it schedules one Activity per
kind of input (on a task queue no Activity Worker polls, so each stays scheduled), with a
summary where the kind says so, and waits. Its module is imported by the test's Worker
(the Workflow sandbox imports it again)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from temporalio.api.common.v1 import Payload
    from temporalio.common import RawValue

LONG = "Pay each line of this invoice. " * 3400  # about 100 KB of text
HTML = "<b>Pay</b> <script>alert('x')</script> & <img src=x onerror=alert(1)>"


def raw(encoding: str, data: bytes) -> RawValue:
    return RawValue(Payload(metadata={"encoding": encoding.encode()}, data=data))


def arguments(kind: str) -> list[Any]:
    """The Activity's arguments for a kind of input."""
    table: dict[str, list[Any]] = {
        "text": ["Pay invoice 3 of 1,200 EUR to ACME"],
        "json": [{"invoice": 3, "amount": 1200.5, "to": "ACME", "lines": [1, 2]}],
        "spaced-json": [raw("json/plain", b'{ "a" : [1, 2.50] ,\n "b":"x  y" }')],
        "long": [LONG],
        "binary": [b"\x00\x01\xfe\xff"],
        "encrypted": [raw("binary/encrypted", b"\x8a" * 33)],
        "not-utf8": [raw("json/plain", b'"\xff\xfe"')],
        "null": [None],
        "empty": [""],
        "none": [],
        "html": [HTML],
        "two": ["first", 2],
        "summarised": ["Pay invoice 7"],
    }
    return table[kind]


SUMMARIES = {"summarised": "Pay invoice 7 of 80 EUR to Büro <ACME>"}
KINDS = (
    "text", "json", "spaced-json", "long", "binary", "encrypted", "not-utf8", "null",
    "empty", "none", "html", "two", "summarised",
)  # fmt: skip


@workflow.defn(name="Asking")
class Asking:
    @workflow.run
    async def run(self, kinds: list[str]) -> None:
        for kind in kinds:
            workflow.start_activity(
                "Activity",
                args=arguments(kind),
                activity_id=kind,
                summary=SUMMARIES.get(kind),
                start_to_close_timeout=timedelta(minutes=10),
            )
        await workflow.wait_condition(lambda: False)
