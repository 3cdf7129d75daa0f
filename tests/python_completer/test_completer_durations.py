"""--rpc-timeout: the grammar both completers accept, and nothing more."""

from __future__ import annotations

import pytest
from async_completer.durations import parse_rpc_timeout
from async_completer.lines.errors import UsageFailure


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("500ms", 0.5),
        ("10s", 10.0),
        ("1m", 60.0),
        ("1.5s", 1.5),
        ("2", 2.0),
        ("0.25", 0.25),
        ("1.5ms", 0.0015),
        ("0010s", 10.0),
        ("0.0000000005", 1e-9),  # half a nanosecond rounds up to one, as Go's math.Round
        ("9223372036", 9223372036.0),  # just below Go's largest Duration
    ],
)
def test_accepted(text: str, seconds: float) -> None:
    assert parse_rpc_timeout(text) == seconds


@pytest.mark.parametrize(
    "text",
    [
        "",
        "0",
        "0s",
        "0.0000000004",  # rounds to zero nanoseconds
        "-1s",
        "+1s",
        "1h",
        "1m30s",
        "1.",
        ".5s",
        "1e3",
        "10 s",
        " 10s",
        "10S",
        "1us",
        "\u0661s",  # a digit, but not 0-9
        "9223372037",  # more than Go's largest Duration
        "soon",
    ],
)
def test_refused_with_the_text_as_given(text: str) -> None:
    with pytest.raises(UsageFailure) as failure:
        parse_rpc_timeout(text)
    assert failure.value.exit_code == 2
    assert failure.value.message == (
        f'--rpc-timeout "{text}" is not a duration: use for example 10s, 500ms or 1m'
    )
