"""Signed action links without a server: the format (a known-answer vector, checked with the
standard library and openssl's arithmetic), verification (every field tampered, the
signature, rotation, expiry), the key file, the `link` verb's checks and what it prints, and
serve's /a/LINK pages over real HTTP to a fake Temporal client."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from async_completer import lines
from async_completer.lines.errors import UsageFailure
from async_completer.links import (
    BadLink,
    Link,
    LinkKeys,
    check_base_url,
    make_url,
    parse_expires,
    parse_expires_at,
    payload,
    read_keys,
    sign,
    verify,
)
from async_completer.model import Asked
from async_completer.serve.links import escape, fill
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import WorkflowExecutionStatus
from temporalio.api.workflow.v1 import (
    PendingActivityInfo,
    WorkflowExecutionInfo,
)
from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionResponse
from temporalio.service import RPCError, RPCStatusCode

from tests.python_completer.conftest import FakeTemporal, invoke
from tests.python_completer.test_completer_history import (
    ALICE,
    TIME,
    completed,
    scheduled,
    started,
)
from tests.python_completer.test_completer_serve import FakeClient, Served, serving

HOST = socket.gethostname()
KEY = b"0123456789abcdef0123456789abcdef"
OLD_KEY = b"fedcba9876543210fedcba9876543210"
LINK = Link(
    namespace="default",
    workflow_id="order-17",
    run_id="01a2",
    activity_id="1",
    attempt=2,
    action="approve",
    text='Grüße "ok" <b>',
    for_name="alice",
    expires=1796292000,
)
# The vector both completers must make: docs/completer-cli.md, "The link's format".
SIGNED = (
    "WzEsImRlZmF1bHQiLCJvcmRlci0xNyIsIjAxYTIiLCIxIiwyLCJhcHByb3ZlIiwiR3LDvMOfZSBcIm9rXCIgPGI-Ii"
    "wiYWxpY2UiLDE3OTYyOTIwMDBd.0M8GFaJ0YbpA2DGJghxd0tGuLYiYywhCbeilZuj4VzY"
)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# The format.


def test_a_link_is_the_documented_bytes() -> None:
    assert sign(LINK, KEY) == SIGNED
    array = [1, "default", "order-17", "01a2", "1", 2, "approve", 'Grüße "ok" <b>', "alice",
             1796292000]  # fmt: skip
    p = b64(json.dumps(array, ensure_ascii=False, separators=(",", ":")).encode())
    assert payload(LINK) == p
    assert p + "." + b64(hmac.new(KEY, p.encode(), hashlib.sha256).digest()) == SIGNED
    assert make_url("https://ops.example/approvals", LINK, KEY) == (
        "https://ops.example/approvals/a/" + SIGNED
    )


@pytest.mark.parametrize(
    "text", ["", "\x00\x1f\u2028 \\ / ü 世界 😀", "x" * 500, "line\nbreak\ttab"]
)
def test_strings_are_encoded_as_the_batch_lines_encode_them(text: str) -> None:
    link = replace(LINK, text=text, workflow_id="wf/ü", for_name="a.b_c@d-e")
    decoded = base64.urlsafe_b64decode(payload(link) + "==").decode()
    assert decoded == json.dumps(
        [1, "default", "wf/ü", "01a2", "1", 2, "approve", text, "a.b_c@d-e", 1796292000],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    assert verify(sign(link, KEY), LinkKeys(KEY)) == link


def test_a_link_verifies_under_the_key_or_the_previous_one_and_signs_with_the_key() -> None:
    assert verify(SIGNED, LinkKeys(KEY)) == LINK
    assert verify(SIGNED, LinkKeys(OLD_KEY, previous=KEY)) == LINK
    with pytest.raises(BadLink):
        verify(SIGNED, LinkKeys(OLD_KEY))
    with pytest.raises(BadLink):
        verify(sign(LINK, OLD_KEY), LinkKeys(KEY))


def tampered() -> Iterator[tuple[str, str]]:
    """Each field changed, re-encoded with the old signature; and the signature changed."""
    p, s = SIGNED.split(".")
    fields = json.loads(base64.urlsafe_b64decode(p + "=="))
    for index, value in enumerate(fields):
        changed = list(fields)
        changed[index] = value + 1 if isinstance(value, int) else value + "x"
        data = json.dumps(changed, ensure_ascii=False, separators=(",", ":")).encode()
        yield f"field-{index}", b64(data) + "." + s
    flipped = s[:-2] + ("A" if s[-2] != "A" else "B") + s[-1]
    yield "signature", p + "." + flipped


@pytest.mark.parametrize(("case", "text"), list(tampered()))
def test_every_tampered_field_and_the_signature_fail_to_verify(case: str, text: str) -> None:
    with pytest.raises(BadLink):
        verify(text, LinkKeys(KEY))


def signed_array(array: Any) -> str:
    p = b64(json.dumps(array, ensure_ascii=False, separators=(",", ":")).encode())
    return p + "." + b64(hmac.new(KEY, p.encode(), hashlib.sha256).digest())


@pytest.mark.parametrize(
    "text",
    [
        "",
        ".",
        SIGNED.split(".")[0],
        SIGNED + ".x",
        SIGNED.replace(".", ".."),
        SIGNED + "=",
        "é" + SIGNED,
        signed_array([1, "default", "wf", "r", "1", 2, "approve", "t", "f"]),
        signed_array([2, "default", "wf", "r", "1", 2, "approve", "t", "f", 1]),
        signed_array([1, "default", "wf", "r", "1", 2, "complete", "t", "f", 1]),
        signed_array([1, "default", "wf", "r", "1", True, "approve", "t", "f", 1]),
        signed_array([1, "default", "wf", "r", "1", 2.5, "approve", "t", "f", 1]),
        signed_array([1, "default", "wf", None, "1", 2, "approve", "t", "f", 1]),
        signed_array({"v": 1}),
    ],
)
def test_a_link_that_does_not_parse_is_bad(text: str) -> None:
    with pytest.raises(BadLink):
        verify(text, LinkKeys(KEY))


# The options.


@pytest.mark.parametrize(
    ("text", "seconds"), [("1s", 1), ("90m", 5400), ("72h", 259200), ("7d", 604800),
                          ("365d", 31536000), ("0090m", 5400)]
)  # fmt: skip
def test_expires_takes_a_whole_number_of_a_unit(text: str, seconds: int) -> None:
    assert parse_expires(text) == seconds


@pytest.mark.parametrize("text", ["", "0s", "366d", "1.5h", "1w", "10", "-1h", " 1h", "1H"])
def test_a_bad_expires_is_refused(text: str) -> None:
    with pytest.raises(UsageFailure) as caught:
        parse_expires(text)
    assert caught.value.message == lines.bad_expires(text)


NOW = 1796000000.0


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("2026-12-06T09:00:00Z", 1796547600),
        ("2026-12-06T09:00:00.999Z", 1796547600),
        ("2026-12-06T10:30:00+01:30", 1796547600),
        ("2026-12-06T04:00:00-05:00", 1796547600),
    ],
)
def test_expires_at_is_an_rfc_3339_time_to_the_second(text: str, seconds: int) -> None:
    assert parse_expires_at(text, NOW) == seconds


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-06",
        "2026-12-06 09:00:00Z",
        "2026-12-06t09:00:00Z",
        "2026-12-06T09:00:00",
        "2026-02-30T09:00:00Z",
        "2026-12-06T24:00:00Z",
        "2026-12-06T09:00:00+24:00",
        "2020-01-01T00:00:00Z",
        "0001-01-01T00:00:00+01:00",
        "1796000000",
    ],
)
def test_a_bad_or_past_expires_at_is_refused(text: str) -> None:
    with pytest.raises(UsageFailure) as caught:
        parse_expires_at(text, NOW)
    assert caught.value.message == lines.bad_expires_at(text)


@pytest.mark.parametrize(
    ("text", "base"),
    [
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("https://ops.example/approvals/", "https://ops.example/approvals"),
        ("http://[::1]:8080/", "http://[::1]:8080"),
        ("https://ops.example", "https://ops.example"),
    ],
)
def test_a_base_url_loses_its_trailing_slash(text: str, base: str) -> None:
    assert check_base_url(text) == base


@pytest.mark.parametrize(
    "text",
    [
        "ops.example",
        "ftp://ops.example",
        "HTTP://ops.example",
        "http://",
        "http:///path",
        "https://ops.example/?q=1",
        "https://ops.example/#top",
        "https://ops example",
        "https://ops.example:port",
    ],
)
def test_a_bad_base_url_is_refused(text: str) -> None:
    with pytest.raises(UsageFailure) as caught:
        check_base_url(text)
    assert caught.value.message == lines.bad_base_url(text)


# The key file.


def key_file(tmp_path: Path, data: bytes, mode: int = 0o600) -> str:
    path = tmp_path / "link.key"
    path.write_bytes(data)
    path.chmod(mode)
    return str(path)


@pytest.mark.parametrize(
    ("data", "keys"),
    [
        (KEY, LinkKeys(KEY)),
        (KEY + b"\n", LinkKeys(KEY)),
        (KEY + b"\r\n", LinkKeys(KEY)),
        (KEY + b"\n" + OLD_KEY + b"\n", LinkKeys(KEY, OLD_KEY)),
        (KEY + b"\r\n" + OLD_KEY, LinkKeys(KEY, OLD_KEY)),
        (KEY + b"\n\n", LinkKeys(KEY)),
        (b" " + KEY + b" \n", LinkKeys(b" " + KEY + b" ")),  # the bytes as written
    ],
)
def test_the_key_file_holds_the_key_and_maybe_the_previous_one(
    tmp_path: Path, data: bytes, keys: LinkKeys
) -> None:
    assert read_keys(key_file(tmp_path, data)) == (keys, None)


@pytest.mark.parametrize(
    ("data", "number"), [(b"", 1), (b"x" * 31 + b"\n", 1), (KEY + b"\nshort\n", 2)]
)
def test_a_key_shorter_than_32_bytes_is_refused(tmp_path: Path, data: bytes, number: int) -> None:
    path = key_file(tmp_path, data)
    with pytest.raises(UsageFailure) as caught:
        read_keys(path)
    assert caught.value.message == lines.link_key_too_short(number, path)


def test_a_key_file_others_can_read_works_with_a_warning(tmp_path: Path) -> None:
    for mode in (0o640, 0o604):
        path = key_file(tmp_path, KEY, mode)
        assert read_keys(path) == (
            LinkKeys(KEY),
            f'warning: the link key file "{path}" can be read by other users: chmod 600 {path}',
        )


def test_a_key_file_that_cannot_be_read_is_refused(tmp_path: Path) -> None:
    path = str(tmp_path / "missing")
    with pytest.raises(UsageFailure) as caught:
        read_keys(path)
    assert (
        caught.value.message == f'cannot read the link key file "{path}": no such file or directory'
    )


# The link verb, with a fake client.

IDS = ["--workflow-id", "order-17", "--activity-id", "1"]


def running(attempt: int = 2, run_id: str = "run-now") -> DescribeWorkflowExecutionResponse:
    return DescribeWorkflowExecutionResponse(
        workflow_execution_info=WorkflowExecutionInfo(
            execution=WorkflowExecution(workflow_id="order-17", run_id=run_id),
            status=WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING,
        ),
        pending_activities=[PendingActivityInfo(activity_id="1", attempt=attempt)],
    )


def link_args(tmp_path: Path, *extra: str) -> list[str]:
    path = key_file(tmp_path, KEY + b"\n" + OLD_KEY + b"\n")
    return ["link", *IDS, "--base-url", "http://127.0.0.1:8080/", "--link-key-file", path, *extra]


def printed_link(result: Any) -> Link:
    assert (result.exit_code, result.stderr) == (0, ""), result.stderr
    url = result.stdout.strip()
    assert url.startswith("http://127.0.0.1:8080/a/")
    return verify(url.removeprefix("http://127.0.0.1:8080/a/"), LinkKeys(KEY))


def test_link_names_the_current_run_and_attempt(temporal: FakeTemporal, tmp_path: Path) -> None:
    temporal.describe = running()
    before = int(time.time())
    link = printed_link(
        invoke(link_args(tmp_path, "--action", "approve", "--result", "Approved ✓", "--for", "ops"))
    )
    assert link == Link("default", "order-17", "run-now", "1", 2, "approve", "Approved ✓", "ops",
                        link.expires)  # fmt: skip
    assert before + 72 * 3600 <= link.expires <= int(time.time()) + 72 * 3600
    assert temporal.calls == []  # describe only


def test_link_signs_a_reject_with_an_absolute_expiry(
    temporal: FakeTemporal, tmp_path: Path
) -> None:
    temporal.describe = running(attempt=1)
    args = link_args(tmp_path, "--action", "reject", "--reason", "No", "--expires-at",
                     "2030-01-01T00:00:00Z", "--namespace", "orders")  # fmt: skip
    link = printed_link(invoke(args))
    assert (link.namespace, link.action, link.text, link.for_name, link.expires) == (
        "orders",
        "reject",
        "No",
        "link",
        1893456000,
    )


def test_link_to_an_activity_that_is_not_pending_says_what_closed_it(
    temporal: FakeTemporal, tmp_path: Path
) -> None:
    temporal.describe = running()
    temporal.describe.pending_activities.pop()
    temporal.history = [[scheduled(), started(), completed("done")]]
    result = invoke(link_args(tmp_path, "--action", "approve"))
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr == (
        f'error: Activity "1" of Workflow "order-17" is not pending any more: it was completed '
        f"at {TIME} by {ALICE}\n"
    )


def test_link_to_a_workflow_that_does_not_exist(temporal: FakeTemporal, tmp_path: Path) -> None:
    temporal.describe_error = RPCError("not found", RPCStatusCode.NOT_FOUND, b"")
    temporal.history_error = RPCError("not found", RPCStatusCode.NOT_FOUND, b"")
    result = invoke(link_args(tmp_path, "--action", "approve"))
    assert result.exit_code == 3
    assert result.stderr.endswith('no such Workflow run in namespace "default"\n')


@pytest.mark.parametrize(
    ("extra", "line"),
    [
        ([], lines.BAD_ACTION),
        (["--action", "complete"], lines.BAD_ACTION),
        (["--action", "approve", "--reason", "x"], lines.TEXT_FOR_OTHER_ACTION),
        (["--action", "reject", "--result", "x", "--reason", "y"], lines.TEXT_FOR_OTHER_ACTION),
        (["--action", "reject"], lines.REJECT_NEEDS_REASON),
        (["--action", "reject", "--reason", ""], lines.REJECT_NEEDS_REASON),
        (["--action", "approve", "--result", "é" * 251], lines.LINK_TEXT_TOO_LONG),
        (["--action", "approve", "--for", ""], lines.BAD_FOR),
        (["--action", "approve", "--for", "x" * 65], lines.BAD_FOR),
        (["--action", "approve", "--expires", "1h", "--expires-at", "x"], lines.BOTH_EXPIRES),
        (["--action", "approve", "--expires", "2w"], lines.bad_expires("2w")),
    ],
)
def test_link_checks_its_options_before_connecting(
    temporal: FakeTemporal, tmp_path: Path, extra: list[str], line: str
) -> None:
    result = invoke(link_args(tmp_path, *extra))
    assert (result.exit_code, result.stderr, result.stdout) == (2, f"error: {line}\n", "")
    assert temporal.connects == 0


def test_link_takes_500_bytes_of_text(temporal: FakeTemporal, tmp_path: Path) -> None:
    temporal.describe = running()
    link = printed_link(invoke(link_args(tmp_path, "--action", "approve", "--result", "é" * 250)))
    assert link.text == "é" * 250


def test_link_needs_a_base_url_and_a_key_file(temporal: FakeTemporal) -> None:
    result = invoke(["link", *IDS, "--action", "approve", "--base-url", "http://x"])
    assert result.stderr == f"error: {lines.LINK_NEEDS_URL_AND_KEY}\n"
    result = invoke(["link", *IDS, "--action", "approve", "--link-key-file", "k"])
    assert result.stderr == f"error: {lines.LINK_NEEDS_URL_AND_KEY}\n"
    result = invoke(["link", "--action", "approve", "--workflow-id", "w"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --workflow-id needs --activity-id too")


def test_link_takes_no_token(temporal: FakeTemporal) -> None:
    result = invoke(["link", "--tasktoken", "0a0b"])
    assert result.stderr == 'error: unknown option "--tasktoken": see --help\n'


# serve: /a/LINK, to a fake client.


def link_for(attempt: int = 2, **changes: Any) -> Link:
    values = {
        "namespace": "default",
        "workflow_id": "order-17",
        "run_id": "run-now",
        "activity_id": "1",
        "attempt": attempt,
        "action": "approve",
        "text": "Approved <b>",
        "for_name": "ops",
        "expires": int(time.time()) + 3600,
        **changes,
    }
    return Link(**values)


@pytest.fixture
def fake() -> FakeClient:
    return FakeClient()


@pytest.fixture
def served(fake: FakeClient) -> Iterator[Served]:
    with serving(fake, link_keys=LinkKeys(KEY, OLD_KEY)) as started:
        yield started


TEMPLATE = (Path(__file__).parents[2] / "page" / "link.html").read_text()
DESC = 'Activity "1" of Workflow "order-17" (attempt 2)'


def expected_page(title: str, message: str, link: Link | None, form: str = "") -> bytes:
    return fill(TEMPLATE, title, message, link, form)


def test_the_page_template_is_filled_and_escaped_as_go_escapes() -> None:
    assert escape("& < > \" ' é") == "&amp; &lt; &gt; &#34; &#39; é"
    page = fill(
        "{{TITLE}}|{{TEXT}}|{{FORM}}|{{FOR}}|{{NOPE}}",
        "A & B",
        "m",
        link_for(text="{{FORM}}"),
        "<form>",
    )
    assert page == b"A &amp; B|{{FORM}}|<form>|ops|{{NOPE}}"
    bad = fill(TEMPLATE, "t", "m", None).decode()
    # Every placeholder of the page is filled (its comment names none).
    assert "<dd>-</dd>" in bad and "{{" not in bad
    assert '<dd id="summary">-</dd>' in bad and '<dd id="input" class="asked">-</dd>' in bad
    asked = Asked(("\"<script>alert('x')</script>\"", '{"a":1}'), "Pay <b>3</b>")
    page = fill("{{SUMMARY}}|{{INPUT}}", "t", "m", None, "", asked)
    summary, whole = b"Pay &lt;b&gt;3&lt;/b&gt;", b"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
    assert page == summary + b"|" + whole + b"\n{&#34;a&#34;:1}"


def test_get_shows_the_confirmation_and_never_acts(fake: FakeClient, served: Served) -> None:
    fake.describe = running()
    link = link_for()
    for method in ("GET", "HEAD"):
        reply = served.request(method, "/a/" + sign(link, KEY))
        assert (reply.status, reply.content_type) == (200, "text/html; charset=utf-8")
        assert reply.headers["X-Frame-Options"] == "DENY"
        assert reply.headers["Content-Security-Policy"] == "frame-ancestors 'none'"
    assert reply.body == b""
    reply = served.request("GET", "/a/" + sign(link, KEY))
    form = '<form method="post"><button type="submit">Approve</button></form>'
    message = f"{DESC} is pending: press the button to approve it."
    assert reply.body == expected_page("Approve?", message, link, form)
    assert fake.calls == []


def test_post_completes_by_ids_with_the_run_recorded_as_the_link(
    fake: FakeClient, served: Served
) -> None:
    fake.describe = running()
    link = link_for()
    reply = served.request("POST", "/a/" + sign(link, OLD_KEY), b"ignored=1",
                           {"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert (reply.status, reply.body) == (200, expected_page("Approved", f"Completed {DESC}", link))
    assert [call[:2] for call in fake.calls] == [("complete", "Approved <b>")]
    assert fake.handle_kwargs == {
        "workflow_id": "order-17",
        "run_id": "run-now",
        "activity_id": "1",
    }
    assert fake.identities == [f"ops (link) via python-completer serve@{HOST}"]


def test_post_of_a_reject_link_fails_non_retryably(fake: FakeClient, served: Served) -> None:
    fake.describe = running()
    link = link_for(action="reject", text="Too expensive")
    reply = served.request("POST", "/a/" + sign(link, KEY))
    message = f"Failed {DESC} (non-retryable)"
    assert (reply.status, reply.body) == (200, expected_page("Rejected", message, link))
    [(_, error, _)] = fake.calls
    assert (error.message, error.non_retryable) == ("Too expensive", True)


def test_a_bad_link_is_403_with_one_page_and_no_hint(fake: FakeClient, served: Served) -> None:
    page = expected_page("This link is not valid", "This link is not valid.", None)
    good = sign(link_for(), KEY)
    for text in (
        "nonsense",
        good[:-1] + ("A" if good[-1] != "A" else "B"),
        sign(link_for(), b"k" * 32),
    ):
        for method in ("GET", "POST"):
            reply = served.request(method, "/a/" + text)
            assert (reply.status, reply.body) == (403, page), (method, text)
    assert fake.calls == []


def test_an_expired_link_is_410(fake: FakeClient, served: Served) -> None:
    link = link_for(expires=int(time.time()) - 1)
    reply = served.request("POST", "/a/" + sign(link, KEY))
    message = f"This link expired at {link.expires_at}."
    assert (reply.status, reply.body) == (
        410,
        expected_page("This link has expired", message, link),
    )
    assert fake.calls == []


def test_a_link_for_another_namespace_is_409(fake: FakeClient, served: Served) -> None:
    link = link_for(namespace="orders")
    reply = served.request("GET", "/a/" + sign(link, KEY))
    message = 'This link is for namespace "orders"; this server acts in "default".'
    assert (reply.status, reply.body) == (
        409,
        expected_page("This link can no longer act", message, link),
    )


def test_a_used_link_is_409_on_post_saying_who_acted_and_200_on_get(
    fake: FakeClient, served: Served
) -> None:
    fake.describe = running()
    fake.describe.pending_activities.pop()
    who = f"ops (link) via python-completer serve@{HOST}"
    fake.history = [[scheduled(), started(attempt=2), completed("Approved <b>", who)]]
    link = link_for()
    message = f"{DESC} is not pending any more: it was completed at {TIME} by {who}"
    page = expected_page("This link can no longer act", message, link)
    assert served.request("POST", "/a/" + sign(link, KEY)).body == page
    assert served.request("POST", "/a/" + sign(link, KEY)).status == 409
    reply = served.request("GET", "/a/" + sign(link, KEY))
    assert (reply.status, reply.body) == (200, page)
    assert fake.calls == []


def test_a_link_to_a_retried_attempt_names_the_pending_one(
    fake: FakeClient, served: Served
) -> None:
    fake.describe = running(attempt=3)
    link = link_for(attempt=2)
    reply = served.request("POST", "/a/" + sign(link, KEY))
    message = (
        f"{DESC} is not pending any more: attempt 2 was retried: attempt 3 is pending now; its "
        "token is in the Worker's log"
    )
    assert (reply.status, reply.body) == (
        409,
        expected_page("This link can no longer act", message, link),
    )


def test_a_race_between_describe_and_the_action_is_refused_with_the_history(
    fake: FakeClient, served: Served
) -> None:
    fake.describe = running()
    fake.request_error = RPCError("gone", RPCStatusCode.NOT_FOUND, b"")
    fake.history = [[scheduled(), started(attempt=2), completed("Approved <b>")]]
    reply = served.request("POST", "/a/" + sign(link_for(), KEY))
    assert reply.status == 409
    assert f"it was completed at {TIME} by {ALICE}".encode() in reply.body


def test_temporal_unreachable_is_503(fake: FakeClient, served: Served) -> None:
    fake.describe_error = RPCError("down", RPCStatusCode.UNAVAILABLE, b"")
    link = link_for()
    reply = served.request("GET", "/a/" + sign(link, KEY))
    message = (
        "could not reach the Temporal server at temporal.example:7233 within 2s: start one with "
        "make server, or point TEMPORAL_ADDRESS or --address at yours"
    )
    assert (reply.status, reply.body) == (
        503,
        expected_page("Temporal cannot be reached", message, link),
    )


def test_links_need_no_credential_and_other_methods_are_405(
    fake: FakeClient, tmp_path: Path
) -> None:
    from async_completer.serve.credentials import Credentials

    fake.describe = running()
    credentials = Credentials((("ops", hashlib.sha256(b"x" * 16).digest()),))
    with serving(fake, credentials=credentials, link_keys=LinkKeys(KEY)) as served:
        assert served.request("GET", "/a/" + sign(link_for(), KEY)).status == 200
        reply = served.request("PUT", "/a/" + sign(link_for(), KEY))
        assert (reply.status, reply.headers["Allow"]) == (405, "GET, HEAD, POST")
        assert served.request("GET", "/a/").status == 404
        assert served.request("GET", "/v1/pending").status == 401


def test_without_a_link_key_file_links_are_404(fake: FakeClient) -> None:
    with serving(fake) as served:
        assert served.request("GET", "/a/" + sign(link_for(), KEY)).status == 404
