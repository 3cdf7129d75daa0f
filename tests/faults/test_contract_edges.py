"""Inputs beyond the usual corpus, found by trying the completers as a new user would: an
address written as a URL, Temporal configuration that cannot be loaded, standard output
closed early, a batch file saved with a byte-order mark or CRLF line ends. Both completers
answer each with the same line (docs/completer-cli.md) and exit code, and nothing else on
standard error: no library's warning, no traceback, no death by SIGPIPE."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import Demo
from tests.faults import helpers as h
from tests.harness import COMPLETERS, CompleterRun, clean_env, free_port, run_completer

TOKEN = h.make_token().hex()


@pytest.fixture(scope="module")
def nowhere() -> str:
    return f"127.0.0.1:{free_port()}"


def scheme_line(scheme: str) -> str:
    return (
        f'error: the Temporal address starts with "{scheme}://": give HOST:PORT without a '
        "scheme, for example localhost:7233, in --address or TEMPORAL_ADDRESS"
    )


ADDRESSES_WITH_A_SCHEME = {
    "http": "http://127.0.0.1:{port}",
    "https": "https://localhost:{port}",
    "dns": "dns:///localhost:{port}",
    "unix": "unix:///tmp/temporal.sock",
    "passthrough": "passthrough:///127.0.0.1:{port}",
}


@pytest.mark.parametrize("via", ["flag", "environment"])
@pytest.mark.parametrize("scheme", ADDRESSES_WITH_A_SCHEME)
def test_an_address_with_a_scheme_is_one_usage_line(
    completer: str, scheme: str, via: str, nowhere: str
) -> None:
    address = ADDRESSES_WITH_A_SCHEME[scheme].format(port=nowhere.rsplit(":", 1)[1])
    if via == "flag":
        run = run_completer(completer, ["--tasktoken", TOKEN, "--address", address], nowhere)
    else:
        run = run_completer(completer, ["--tasktoken", TOKEN], nowhere, env=clean_env(address))
    h.assert_clean_failure(run, 2)
    assert run.stderr == scheme_line(scheme) + "\n"


@pytest.mark.parametrize("form", ["127.0.0.1:{port}", "localhost:{port}", "[::1]:{port}"])
def test_a_host_and_port_nobody_answers_is_only_the_unreachable_line(
    completer: str, form: str, nowhere: str
) -> None:
    address = form.format(port=nowhere.rsplit(":", 1)[1])
    run = run_completer(
        completer, ["--tasktoken", TOKEN, "--address", address, "--rpc-timeout", "2s"], nowhere
    )
    h.assert_clean_failure(run, 4)
    assert run.stderr == h.unreachable(address, "2s") + "\n"


# Temporal's environment configuration that cannot be loaded.


def profile_line(profile: str, file: Path) -> str:
    return (
        f'error: the Temporal profile "{profile}" is not in the configuration file "{file}": '
        "set TEMPORAL_PROFILE to one of its profiles, or unset it"
    )


def invalid_line(file: Path) -> str:
    return (
        f'error: the Temporal configuration file "{file}" is not valid (TOML with '
        "[profile.NAME] tables of text values): fix it, or point TEMPORAL_CONFIG_FILE at "
        "another file"
    )


def run_with_config(completer: str, nowhere: str, home: Path, **variables: str) -> CompleterRun:
    env = h.env_without_temporal(HOME=str(home))
    env.pop("XDG_CONFIG_HOME", None)
    env.update(variables)
    env["TEMPORAL_ADDRESS"] = nowhere
    return run_completer(completer, ["--tasktoken", TOKEN], nowhere, env=env)


def test_a_profile_the_file_does_not_hold_is_named(
    completer: str, nowhere: str, tmp_path: Path
) -> None:
    config = tmp_path / "temporal.toml"
    config.write_text('[profile.default]\naddress = "localhost:1"\n')
    run = run_with_config(
        completer, nowhere, tmp_path, TEMPORAL_CONFIG_FILE=str(config), TEMPORAL_PROFILE="nope"
    )
    h.assert_clean_failure(run, 2)
    assert run.stderr == profile_line("nope", config) + "\n"


def test_a_profile_without_any_file_names_the_default_path(
    completer: str, nowhere: str, tmp_path: Path
) -> None:
    run = run_with_config(completer, nowhere, tmp_path, TEMPORAL_PROFILE="staging")
    h.assert_clean_failure(run, 2)
    default = tmp_path / ".config" / "temporalio" / "temporal.toml"
    assert run.stderr == profile_line("staging", default) + "\n"


def test_a_profile_under_xdg_config_home_names_that_path(
    completer: str, nowhere: str, tmp_path: Path
) -> None:
    xdg = tmp_path / "xdg"
    run = run_with_config(
        completer, nowhere, tmp_path, TEMPORAL_PROFILE="staging", XDG_CONFIG_HOME=str(xdg)
    )
    h.assert_clean_failure(run, 2)
    assert run.stderr == profile_line("staging", xdg / "temporalio" / "temporal.toml") + "\n"


@pytest.mark.parametrize(
    "content",
    ["this is [not toml\n", "[profile.default]\naddress = 5\n"],
    ids=["not-toml", "wrong-type"],
)
def test_an_invalid_configuration_file_is_named(
    completer: str, nowhere: str, tmp_path: Path, content: str
) -> None:
    config = tmp_path / "temporal.toml"
    config.write_text(content)
    run = run_with_config(completer, nowhere, tmp_path, TEMPORAL_CONFIG_FILE=str(config))
    h.assert_clean_failure(run, 2)
    assert run.stderr == invalid_line(config) + "\n"


def test_a_configuration_file_that_cannot_be_read_is_named(
    completer: str, nowhere: str, tmp_path: Path
) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    run = run_with_config(
        completer, nowhere, tmp_path, TEMPORAL_CONFIG_FILE=str(folder), TEMPORAL_PROFILE="x"
    )
    h.assert_clean_failure(run, 2)
    expected = f'error: cannot read the Temporal configuration file "{folder}": is a directory'
    assert run.stderr == expected + "\n"


def test_a_missing_configuration_file_without_a_profile_is_no_error(
    completer: str, nowhere: str, tmp_path: Path
) -> None:
    run = run_with_config(
        completer, nowhere, tmp_path, TEMPORAL_CONFIG_FILE=str(tmp_path / "none.toml")
    )
    h.assert_clean_failure(run, 4)


# Standard output closed before the completer writes to it.


def run_with_closed_stdout(
    completer: str, args: list[str], address: str, stdin: str = ""
) -> tuple[int, str]:
    """Runs the completer with a standard output pipe whose reading end is already closed:
    its first write fails with EPIPE (or kills it, if it lets SIGPIPE do so)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run(
            [str(COMPLETERS[completer]), *args],
            input=stdin,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env=clean_env(address),
            timeout=60,
        )
    finally:
        os.close(write_end)
    return proc.returncode, proc.stderr


def closed_batch_line(sent: int, ok: int, unwritten: int) -> str:
    return (
        f"error: could not write to standard output (broken pipe): all {sent} jobs were "
        f"sent, {ok} succeeded; the lines of {unwritten} jobs were not written"
    )


def test_a_batch_with_stdout_closed_still_sends_every_job(
    demo: Demo, completer: str, tmp_path: Path
) -> None:
    pending = [demo.pending() for _ in range(4)]
    batch = tmp_path / "jobs.txt"
    batch.write_text("".join(f"{token.token}\n" for _, token in pending) + "not-a-token\n")
    code, stderr = run_with_closed_stdout(
        completer, ["complete", "--batch", str(batch), "--result", "sent"], demo.server.address
    )
    assert (code, stderr) == (2, closed_batch_line(4, 4, 5) + "\n")
    assert [demo.result(handle) for handle, _ in pending] == ["sent"] * 4


def test_a_batch_with_stdout_closed_and_every_job_ok_exits_1(demo: Demo, completer: str) -> None:
    handle, token = demo.pending()
    code, stderr = run_with_closed_stdout(
        completer,
        ["complete", "--batch", "-", "--result", "sent"],
        demo.server.address,
        stdin=token.token + "\n",
    )
    assert (code, stderr) == (1, closed_batch_line(1, 1, 1) + "\n")
    assert demo.result(handle) == "sent"


def test_a_completion_with_stdout_closed_says_it_succeeded(demo: Demo, completer: str) -> None:
    handle, token = demo.pending()
    code, stderr = run_with_closed_stdout(
        completer,
        ["complete", "--tasktoken", "-", "--result", "done"],
        demo.server.address,
        stdin=token.token + "\n",
    )
    expected = (
        "error: could not write to standard output (broken pipe): the request was sent and "
        "succeeded"
    )
    assert (code, stderr) == (1, expected + "\n")
    assert demo.result(handle) == "done"


# Batch files as editors save them.


@pytest.mark.parametrize("ending", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_a_batch_with_a_byte_order_mark_is_read_without_it(
    demo: Demo, completer: str, tmp_path: Path, ending: str
) -> None:
    pending = [demo.pending() for _ in range(2)]
    by_ids, by_ids_token = pending[1]
    lines = [
        pending[0][1].token,
        f'{{"workflow_id": "{by_ids.id}", "activity_id": "{by_ids_token.activity_id}"}}',
    ]
    batch = tmp_path / "jobs.txt"
    batch.write_bytes(b"\xef\xbb\xbf" + ending.join(lines).encode() + ending.encode())
    run = demo.run(completer, "complete", "--batch", str(batch), "--result", "bom")
    assert run.returncode == 0, run
    assert run.stderr == ""
    outcomes = {job["line"]: job["outcome"] for job in map(json.loads, run.stdout.splitlines())}
    assert outcomes == {1: "ok", 2: "ok"}
    assert [demo.result(handle) for handle, _ in pending] == ["bom", "bom"]
