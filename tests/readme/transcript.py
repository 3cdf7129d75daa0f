"""The README's examples as data: each fenced block with its marker, each transcript as
commands and the output they show, and the patterns that let a real run be compared with
the README (addresses, IDs, tokens, times and host names differ from run to run).

The convention, which test_readme.py's docstring explains to a README writer:

    <!-- readme-test: run [setup=NAME] [unordered] [own-server] [one-command] -->
    ```
    $ command            (a line starting `$ ` is a command; a trailing `\\` continues it)
    what it prints       (standard output and standard error, as one stream)
    ...                  (a line of three dots stands for any number of lines)
    ```

    <!-- readme-test: skip: why it cannot run in a test -->
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

MARKER = re.compile(r"^<!-- readme-test: (run|skip)\b(.*?)-->$")
FENCE = re.compile(r"^(\s*)```(\S*)\s*$")
ANY_LINES = "..."


@dataclass
class Command:
    line: str
    expected: list[str] = field(default_factory=list)


@dataclass
class Example:
    """One fenced block of the README; `line` is where its fence opens (1-based)."""

    line: int
    kind: str  # run, skip or "" (no marker)
    options: dict[str, str]
    text: list[str]

    @property
    def name(self) -> str:
        return f"README.md:{self.line}"

    def commands(self) -> list[Command]:
        if "one-command" in self.options:
            # A program that prints `$ ` lines itself (run-all shows what it runs).
            first, *rest = self.text
            return [Command(first.removeprefix("$ "), rest)]
        commands: list[Command] = []
        continued = False
        for line in self.text:
            if continued:
                commands[-1].line += "\n" + line
            elif line.startswith("$ "):
                commands.append(Command(line[2:]))
            elif commands:
                commands[-1].expected.append(line)
            else:
                raise ValueError(f"{self.name}: output before the first `$ ` command: {line!r}")
            continued = commands[-1].line.endswith("\\")
        return commands


def parse_options(text: str) -> dict[str, str]:
    options = {}
    for word in text.split():
        name, _, value = word.partition("=")
        options[name] = value
    return options


def examples(readme: Path) -> list[Example]:
    """Every fenced block but diagrams (```mermaid), with the marker just above it."""
    lines = readme.read_text(encoding="utf-8").splitlines()
    found: list[Example] = []
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        indent, language = opening.groups()
        end = next(j for j in range(i + 1, len(lines)) if lines[j].strip() == "```")
        if language != "mermaid":
            above = next((lines[j].strip() for j in range(i - 1, -1, -1) if lines[j].strip()), "")
            marker = MARKER.match(above)
            kind, options = ("", {}) if not marker else (marker[1], parse_options(marker[2]))
            if kind == "skip" and not options:
                raise ValueError(f"README.md:{i + 1}: a skip marker says why: skip: REASON")
            text = [line.removeprefix(indent) for line in lines[i + 1 : end]]
            found.append(Example(i + 1, kind, options, text))
        i = end + 1
    return found


# What differs from run to run, in the order applied; both the README's text and the real
# output go through them, so the README may show any real value.
PATTERNS = [
    (re.compile(r"Makefile:\d+"), "Makefile:N"),
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"), "<uuid>"),
    (re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?Z?"), "<time>"),
    (re.compile(r"\b\d+@[\w.-]+"), "<pid>@<host>"),
    (re.compile(r"\b(cli|serve)@[\w.-]+"), r"\1@<host>"),
    (re.compile(r"\b(?:127\.0\.0\.1|localhost):\d+"), "<address>"),
    (re.compile(r"\S*/async-run-(?:all|standalone)\.\w+"), "<run folder>"),
    (re.compile(r"\b(async|run-all|run-standalone|sa-token|sa-id)-\d{8}-\d{6}-\d+"), r"\1-<date>"),
    (re.compile(r"/a/[\w.-]+(?:…[\w.-]*)?"), "/a/<link>"),
    (re.compile(r"\b[0-9a-f]{12,}(?:(?:…|\.\.\.)[0-9a-f]*)?"), "<hex>"),
    (re.compile(r"\(\d+ bytes\)"), "(N bytes)"),
    (re.compile(r"\b(?:\d+h)?(?:\d+m)?\d+s\b"), "<age>"),
    (re.compile(r"[ \t]+"), " "),
]


def normalized(line: str) -> str:
    for pattern, replacement in PATTERNS:
        line = pattern.sub(replacement, line)
    return line.strip()


def matches(expected: list[str], actual: list[str], *, unordered: bool = False) -> bool:
    """Whether actual is what expected shows, `...` standing for any lines."""
    want = [normalized(line) for line in expected]
    got = [normalized(line) for line in actual]
    if unordered:
        # Concurrent jobs finish in any order, and a listing's order numbers them.
        def jobs(lines: list[str]) -> list[str]:
            return sorted(re.sub(r'"line":\d+', '"line":N', line) for line in lines)

        return jobs([w for w in want if w != ANY_LINES]) == jobs(got)
    return _match(want, got)


def _match(want: list[str], got: list[str]) -> bool:
    if not want:
        return not got
    if want[0] == ANY_LINES:
        return any(_match(want[1:], got[i:]) for i in range(len(got) + 1))
    return bool(got) and want[0] == got[0] and _match(want[1:], got[1:])
