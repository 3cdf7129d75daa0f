"""Batches: `complete --batch FILE` and `fail --batch FILE`, one Activity per line.

Every line is read and checked before anything is sent, so a malformed line is reported (and
skipped) without a connection; then the jobs go out on one client with at most --concurrency
requests in flight, and one JSON line per job is written as each finishes. The lines and the
summary are docs/completer-cli.md's, byte for byte the Go completer's.

This module does not import temporalio: the requests are operations.py's (run_batch), handed
to send_all as a function, which is also how the tests put a fake in their place.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from async_completer.errors import GO_WHITE_SPACE, CompleterError, UsageFailure, one_line
from async_completer.target import (
    NEEDS_REASON,
    Target,
    check_target_options,
    target_from_ids,
    target_from_token,
)

if TYPE_CHECKING:
    from asyncio import AbstractEventLoop

DEFAULT_CONCURRENCY = "32"
MAX_CONCURRENCY = 1000
NOT_A_JOB = "the line is not a hex task token or a JSON job: "

OUTCOMES = {0: "ok", 2: "malformed", 3: "refused", 4: "unreachable"}
_KEYS = {
    "complete": ("tasktoken", "workflow_id", "activity_id", "run_id", "result"),
    "fail": ("tasktoken", "workflow_id", "activity_id", "run_id", "reason", "retryable"),
}
# The string encoder of json.dumps(..., ensure_ascii=False).
_json_string: Callable[[str], str] = json.encoder.encode_basestring
# What Go's JSON decoder turns a lone surrogate escape (\ud800) into; Python keeps it, and
# it could not be written out.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def parse_concurrency(text: str) -> int:
    """--concurrency: ASCII digits only (no sign, no spaces), from 1 to MAX_CONCURRENCY."""
    if text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_CONCURRENCY:
        return int(text)
    raise UsageFailure(f'--concurrency "{text}" must be a whole number from 1 to {MAX_CONCURRENCY}')


def success_line(verb: str, desc: str, retryable: bool = False) -> str:
    """The line of an accepted complete or fail."""
    if verb == "fail":
        kind = "retryable: the server will run it again" if retryable else "non-retryable"
        return f"Failed {desc} ({kind})"
    return f"Completed {desc}"


@dataclass(frozen=True)
class Defaults:
    """The command line's values, for the jobs that do not bring their own."""

    verb: str
    result: str = ""
    reason: str = ""
    retryable: bool = False


@dataclass(frozen=True, slots=True)
class Job:
    """One line that can be sent. result is complete's; reason and retryable are fail's."""

    line: int
    target: Target
    result: str = ""
    reason: str = ""
    retryable: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one line: the exit code a single command would have, and its line
    without `error: ` (the success line when code is 0)."""

    line: int
    code: int
    message: str


def job_line(outcome: Outcome) -> str:
    """The JSON line of an outcome (without its newline): the bytes of json.dumps(
    {"line", "outcome", "code", "message"}, ensure_ascii=False, separators=(",", ":")),
    written out by hand because a batch writes one per job."""
    name = OUTCOMES.get(outcome.code, "error")
    message = _json_string(outcome.message)
    return f'{{"line":{outcome.line},"outcome":"{name}","code":{outcome.code},"message":{message}}}'


def _check_result_size(result: str) -> None:
    # Imported here: the check needs temporalio's converter, and parsing does not otherwise.
    from async_completer.operations import check_payload_size

    check_payload_size("result", result)


def parse_batch(
    data: bytes,
    defaults: Defaults,
    check_result: Callable[[str], None] = _check_result_size,
) -> tuple[list[Job], list[Outcome]]:
    """The jobs to send, and the outcomes of the malformed lines, both in line order.

    Lines end at `\\n` (a `\\r` before it is trimmed with the other white space); blank lines
    and lines whose first non-blank character is `#` are neither. check_result checks the
    size of a result that a job brings (the command line's was checked once, before)."""
    jobs: list[Job] = []
    malformed: list[Outcome] = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            text = raw.decode("utf-8").strip(GO_WHITE_SPACE)
        except UnicodeDecodeError:
            malformed.append(Outcome(number, 2, NOT_A_JOB + "it is not UTF-8 text"))
            continue
        if not text or text[0] == "#":
            continue
        try:
            jobs.append(parse_job_line(number, text, defaults, check_result))
        except CompleterError as err:
            malformed.append(Outcome(number, err.exit_code, err.message))
    return jobs, malformed


def parse_job_line(
    number: int,
    text: str,
    defaults: Defaults,
    check_result: Callable[[str], None] = _check_result_size,
) -> Job:
    """One trimmed, non-blank line, checked in the order of a single command: the Activity,
    the reason, the token, the size of the result. Raises UsageFailure with the line of the
    single command's case."""
    fields: dict[str, Any] = {}
    if text[0] == "{":
        fields = _json_job(text, defaults.verb)
    else:
        fields["tasktoken"] = text
    tasktoken: str | None = fields.get("tasktoken")
    workflow_id: str | None = fields.get("workflow_id")
    activity_id: str | None = fields.get("activity_id")
    run_id: str | None = fields.get("run_id")
    reason: str = fields.get("reason", defaults.reason)
    check_target_options(tasktoken, workflow_id, activity_id, run_id)
    if defaults.verb == "fail" and not reason:
        raise UsageFailure(NEEDS_REASON)
    if tasktoken is not None:
        target = target_from_token(tasktoken)
    else:
        assert workflow_id and activity_id
        target = target_from_ids(workflow_id, activity_id, run_id)
    result: str = defaults.result
    if "result" in fields:
        result = fields["result"]
        check_result(result)
    return Job(
        line=number,
        target=target,
        result=result,
        reason=reason,
        retryable=fields.get("retryable", defaults.retryable),
    )


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _json_job(text: str, verb: str) -> dict[str, Any]:
    """The fields of a JSON job, each checked for its type. Keys are looked at in sorted
    order, as the Go completer does, so a line with several faults reports the same one."""
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as err:
        raise UsageFailure(NOT_A_JOB + one_line(str(err) or type(err).__name__)) from err
    if not isinstance(value, dict):  # not reached: the text starts with `{`
        raise UsageFailure(NOT_A_JOB + "it is not a JSON object")
    fields = {_LONE_SURROGATE.sub("\ufffd", key): item for key, item in value.items()}
    known = _KEYS[verb]
    keys = sorted(fields)
    for key in keys:
        if key not in known:
            raise UsageFailure(f'{NOT_A_JOB}unknown key "{key}" ({verb} takes {", ".join(known)})')
    for key in keys:
        item = fields[key]
        if key == "retryable":
            if not isinstance(item, bool):
                raise UsageFailure(NOT_A_JOB + '"retryable" must be true or false')
        elif isinstance(item, str):
            fields[key] = _LONE_SURROGATE.sub("\ufffd", item)
        else:
            raise UsageFailure(f'{NOT_A_JOB}"{key}" must be a text')
    return fields


class BatchOutput:
    """Writes one JSON line per finished job and counts the outcomes.

    Lines go into standard output's buffer as jobs finish; inside the event loop the buffer
    is flushed once per turn of the loop (all the jobs that finished in that turn together),
    so a reader sees each line at once without a system call per line. The progress line
    (`\\r<done>/<total> jobs`, only on a terminal) is rewritten at the same moments."""

    def __init__(
        self,
        total: int,
        *,
        stdout: IO[str] | None = None,
        stderr: IO[str] | None = None,
        progress: bool | None = None,
    ) -> None:
        self.total = total
        self.done = 0
        self.counts: Counter[int] = Counter()
        self.max_code = 0
        self.write_error: str | None = None
        self._stdout = stdout if stdout is not None else sys.stdout
        self._stderr = stderr if stderr is not None else sys.stderr
        if progress is None:
            progress = _is_terminal(self._stderr)
        self.progress = progress
        self._buffer: IO[bytes] | None = getattr(self._stdout, "buffer", None)
        self._flush_scheduled = False
        self._shown = 0  # the count the progress line shows
        # Set by send_all: the event loop whose turns the flushes follow.
        self.loop: AbstractEventLoop | None = None
        if self._stdout is not None:
            self._stdout.flush()  # what the text layer holds goes first

    def add(self, outcome: Outcome) -> None:
        self.done += 1
        self.counts[outcome.code] += 1
        if outcome.code > self.max_code:
            self.max_code = outcome.code
        self._write(job_line(outcome) + "\n")
        # Outside the loop (the malformed lines, before connecting) the caller flushes.
        if not self._flush_scheduled and self.loop is not None:
            self._flush_scheduled = True
            self.loop.call_soon(self.flush)

    def _write(self, text: str) -> None:
        if self.write_error is not None or self._stdout is None:
            return
        try:
            if self._buffer is not None:
                try:
                    data = text.encode("utf-8", "surrogateescape")
                except UnicodeEncodeError:
                    data = text.encode("utf-8", "replace")
                self._buffer.write(data)
            else:
                self._stdout.write(text)
        except (OSError, ValueError) as err:
            self.write_error = one_line(str(err)) or type(err).__name__

    def flush(self) -> None:
        self._flush_scheduled = False
        if self.write_error is None and self._stdout is not None:
            try:
                (self._buffer or self._stdout).flush()
            except (OSError, ValueError) as err:
                self.write_error = one_line(str(err)) or type(err).__name__
        if self.progress and self.done != self._shown:
            self._shown = self.done
            self._progress(f"\r{self.done}/{self.total} jobs")

    def finish(self) -> None:
        """Flushes, and ends the progress line so that what follows has a line of its own."""
        self.flush()
        if self.progress and self.done:
            self._progress("\n")

    def _progress(self, text: str) -> None:
        try:
            if self._stderr is not None:
                self._stderr.write(text)
                self._stderr.flush()
        except (OSError, ValueError):
            self.progress = False

    def summary(self) -> CompleterError | None:
        """None when every job succeeded; else the error line counting the jobs that did
        not, whose exit code is the largest among them."""
        if self.write_error is not None:
            return CompleterError(
                f"could not write the results to standard output: {self.write_error}"
            )
        failed = self.total - self.counts[0]
        if failed == 0:
            return None
        refused, malformed, unreachable = self.counts[3], self.counts[2], self.counts[4]
        other = failed - refused - malformed - unreachable
        error = CompleterError(
            f"{failed} of {self.total} jobs did not succeed ({refused} refused, {malformed} "
            f"malformed, {unreachable} unreachable, {other} other errors); see the JSON lines "
            "on standard output"
        )
        error.exit_code = self.max_code
        return error


def _is_terminal(stream: IO[str] | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (OSError, ValueError):
        return False


Send = Callable[[Job], Awaitable[Outcome]]


async def send_all(jobs: Sequence[Job], send: Send, concurrency: int, output: BatchOutput) -> None:
    """Sends every job with at most `concurrency` in flight: that many workers take the
    next job as they finish one. One job's failure, even a bug, never stops the others."""
    # Imported here: --help and inspect import this module, and need no event loop.
    import asyncio

    output.loop = asyncio.get_running_loop()
    pending = iter(jobs)

    async def worker() -> None:
        for job in pending:
            try:
                outcome = await send(job)
            except Exception as err:
                outcome = Outcome(
                    job.line, 1, f"unexpected failure: {type(err).__name__}: {one_line(str(err))}"
                )
            output.add(outcome)

    try:
        await asyncio.gather(*(worker() for _ in range(min(concurrency, len(jobs)))))
    finally:
        output.loop = None
