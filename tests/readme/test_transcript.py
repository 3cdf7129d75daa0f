"""The README test's comparison: what varies from run to run is a pattern, anything else a
drift."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.readme import transcript


def test_values_that_vary_between_runs_match_and_words_do_not() -> None:
    shown = ['Completed Activity "1" of Workflow "async" at 2026-12-05T18:35:57.003Z by 51@vm']
    real = ['Completed Activity "1" of Workflow "async" at 2027-01-01T00:00:00.1Z by 7@ci-box']
    assert transcript.matches(shown, real)
    assert not transcript.matches(shown, [real[0].replace("Completed", "Already done")])
    assert transcript.matches(["at 127.0.0.1:8080 after 3s"], ["at 127.0.0.1:41234 after 1m2s"])
    assert not transcript.matches(["exit 3"], ["exit 2"])


def test_dots_stand_for_any_lines_and_nothing_else_is_left_out() -> None:
    assert transcript.matches(["...", "b", "..."], ["a", "b", "c", "d"])
    assert transcript.matches(["...", "b"], ["b"])
    assert not transcript.matches(["a"], ["a", "b"])
    assert not transcript.matches(["a", "b"], ["a"])


def test_unordered_outcomes_ignore_order_and_line_numbers() -> None:
    shown = ['{"line":1,"message":"order-17"}', '{"line":2,"message":"order-19"}']
    real = ['{"line":2,"message":"order-19"}', '{"line":1,"message":"order-17"}']
    assert transcript.matches(shown, real, unordered=True)
    assert not transcript.matches(shown, real)
    assert not transcript.matches(shown, real[:1], unordered=True)


def test_blocks_are_read_with_their_markers_and_commands(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(
        "<!-- readme-test: run setup=batch unordered -->\n"
        "   ```\n   $ echo a \\\n   b\n   a b\n   $ true\n   ```\n\n"
        "```mermaid\ngraph\n```\n\n"
        "<!-- readme-test: skip: a server in the foreground -->\n```\nmake server\n```\n\n"
        "```\n$ unmarked\n```\n"
    )
    run, skip, unmarked = transcript.examples(readme)
    assert (run.kind, run.options) == ("run", {"setup": "batch", "unordered": ""})
    [first, second] = run.commands()
    assert (first.line, first.expected) == ("echo a \\\nb", ["a b"])
    assert (second.line, second.expected) == ("true", [])
    assert (skip.kind, unmarked.kind, unmarked.line) == ("skip", "", 18)
    readme.write_text("<!-- readme-test: skip -->\n```\nx\n```\n")
    with pytest.raises(ValueError, match="says why"):
        transcript.examples(readme)
