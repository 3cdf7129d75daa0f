"""history/asked.py: what a pending Activity asks, decoded without raw bytes, byte for byte
as Go's internal/history/asked.go (the same cases as its asked_test.go)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from async_completer.history.asked import payload_json, read_asked, summary_text
from temporalio.api.common.v1 import Payload, WorkflowExecution
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import History, HistoryEvent
from temporalio.api.workflowservice.v1 import (
    GetWorkflowExecutionHistoryRequest,
    GetWorkflowExecutionHistoryResponse,
)


def payload(encoding: bytes | None, data: bytes) -> Payload:
    return Payload(metadata={} if encoding is None else {"encoding": encoding}, data=data)


@pytest.mark.parametrize(
    ("given", "json_text"),
    [
        (payload(b"json/plain", b'"Pay \\u00e9 <b>"'), '"Pay é <b>"'),
        (payload(b"json/plain", b'"\\ud800"'), '"\ufffd"'),
        (
            payload(b"json/plain", b'{ "a" : [1, 2.50] ,\n "b":"x  y" }'),
            '{"a":[1,2.50],"b":"x  y"}',
        ),
        (payload(b"json/plain", b"12"), "12"),
        (payload(b"binary/null", b""), "null"),
        (payload(b"binary/plain", b"\x00\x01"), '{"encoding":"binary/plain","size":2}'),
        (payload(b"json/protobuf", b'{"a":1}'), '{"encoding":"json/protobuf","size":7}'),
        (payload(b"json/plain", b'"\xff"'), '{"encoding":"json/plain","size":3}'),
        (payload(b"json/plain", b"NaN"), '{"encoding":"json/plain","size":3}'),
        (payload(b"json/plain", b""), '{"encoding":"json/plain","size":0}'),
        (payload(None, b"x"), '{"encoding":"","size":1}'),
        (payload(b"a\xff\xfeb", b"x"), '{"encoding":"a\ufffdb","size":1}'),
    ],
)
def test_payload_json_never_hands_out_raw_bytes(given: Payload, json_text: str) -> None:
    assert payload_json(given) == json_text


def test_a_summary_is_a_text_or_nothing() -> None:
    assert summary_text(payload(b"json/plain", b'"Pay"')) == "Pay"
    assert summary_text(payload(b"json/plain", b'{"a":1}')) is None
    assert summary_text(payload(b"binary/plain", b"Pay")) is None


def scheduled(
    event_id: int, activity_id: str, *inputs: bytes, summary: bytes = b""
) -> HistoryEvent:
    event = HistoryEvent(event_id=event_id, event_type=EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
    attributes = event.activity_task_scheduled_event_attributes
    attributes.activity_id = activity_id
    for data in inputs:
        attributes.input.payloads.append(payload(b"json/plain", data))
    if summary:
        event.user_metadata.summary.CopyFrom(payload(b"json/plain", summary))
    return event


class PagedHistory:
    """A history in pages; counts the requests."""

    def __init__(self, pages: list[list[HistoryEvent]]) -> None:
        self.pages = pages
        self.requests: list[GetWorkflowExecutionHistoryRequest] = []

    async def get_workflow_execution_history(
        self, req: GetWorkflowExecutionHistoryRequest, retry: bool, timeout: Any
    ) -> GetWorkflowExecutionHistoryResponse:
        self.requests.append(req)
        page = int(req.next_page_token or b"0")
        more = page + 1 < len(self.pages)
        return GetWorkflowExecutionHistoryResponse(
            history=History(events=self.pages[page]),
            next_page_token=str(page + 1).encode() if more else b"",
        )


class Client:
    namespace = "ns"

    def __init__(self, service: PagedHistory) -> None:
        self.workflow_service = service


def test_read_asked_pages_and_takes_the_last_schedule() -> None:
    service = PagedHistory(
        [
            [scheduled(5, "1", b'"old"')],
            [scheduled(6, "2", b'"two"', b"2", summary=b'"Pay 2"')],
            [scheduled(9, "1", b'"new"'), scheduled(10, "3")],
        ]
    )

    async def read() -> Any:
        deadline = asyncio.get_running_loop().time() + 5
        execution = WorkflowExecution(workflow_id="w", run_id="r")
        return await read_asked(Client(service), execution, {"1", "2", "4"}, deadline)  # type: ignore[arg-type]

    asked = asyncio.run(read())
    assert len(service.requests) == 3
    assert (service.requests[0].namespace, service.requests[0].execution.run_id) == ("ns", "r")
    assert asked == {
        "1": type(asked["1"])(('"new"',), None),
        "2": type(asked["1"])(('"two"', "2"), "Pay 2"),
    }
