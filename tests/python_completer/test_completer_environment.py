"""Temporal's environment configuration and the address, checked after the command line and
the token and before connecting: the lines of docs/completer-cli.md for a profile that is not
there, a configuration file that cannot be read or is not valid, and an address with a
scheme; and no library's own warning on standard error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from async_completer.configfile import config_file_path

from tests.python_completer.conftest import REAL_DESC, REAL_TOKEN, FakeTemporal, invoke

TOKEN = ["--tasktoken", REAL_TOKEN]


def scheme_line(scheme: str) -> str:
    return (
        f'error: the Temporal address starts with "{scheme}://": give HOST:PORT without a '
        "scheme, for example localhost:7233, in --address or TEMPORAL_ADDRESS\n"
    )


def profile_line(profile: str, path: str | Path) -> str:
    return (
        f'error: the Temporal profile "{profile}" is not in the configuration file "{path}": '
        "set TEMPORAL_PROFILE to one of its profiles, or unset it\n"
    )


def invalid_line(path: str | Path) -> str:
    return (
        f'error: the Temporal configuration file "{path}" is not valid (TOML with '
        "[profile.NAME] tables of text values): fix it, or point TEMPORAL_CONFIG_FILE at another "
        "file\n"
    )


# The address.


@pytest.mark.parametrize(
    ("address", "scheme"),
    [
        ("http://localhost:7233", "http"),
        ("https://h:7233", "https"),
        ("dns:///h:7233", "dns"),
        ("://h:1", ""),
        ("unix:///tmp/s://x", "unix"),
    ],
)
def test_an_address_with_a_scheme_is_refused_before_connecting(
    temporal: FakeTemporal, address: str, scheme: str
) -> None:
    result = invoke(["complete", *TOKEN, "--address", address])
    assert (result.exit_code, result.stderr, result.stdout) == (2, scheme_line(scheme), "")
    assert temporal.connects == 0


def test_the_address_of_the_environment_or_a_profile_is_checked_too(
    temporal: FakeTemporal, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TEMPORAL_ADDRESS", "http://env-host:7233")
    result = invoke(["heartbeat", "--workflow-id", "w", "--activity-id", "1"])
    assert (result.exit_code, result.stderr) == (2, scheme_line("http"))
    # --address overrides it, and is fine.
    result = invoke(["heartbeat", "--workflow-id", "w", "--activity-id", "1", "-address=h:1"])
    assert result.exit_code == 0
    monkeypatch.delenv("TEMPORAL_ADDRESS")
    config = tmp_path / "temporal.toml"
    config.write_text('[profile.prod]\naddress = "grpc://prod:7233"\n')
    monkeypatch.setenv("TEMPORAL_CONFIG_FILE", str(config))
    monkeypatch.setenv("TEMPORAL_PROFILE", "prod")
    result = invoke(["cancel", *TOKEN])
    assert (result.exit_code, result.stderr) == (2, scheme_line("grpc"))
    assert temporal.connects == 1


@pytest.mark.parametrize(
    ("args", "first"),
    [
        (["complete", "--tasktoken", "zz", "--address", "http://h:1"], "the task token is not hex"),
        (["complete", *TOKEN, "--address", "http://h:1", "--rpc-timeout", "x"], "--rpc-timeout"),
        (
            ["complete", *TOKEN, "--address", "http://h:1", "--result", "x" * 2097152],
            "the result is ",
        ),
    ],
)
def test_every_other_usage_error_comes_first(
    temporal: FakeTemporal, args: list[str], first: str
) -> None:
    result = invoke(args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {first}")


# The configuration file.


def test_the_file_is_the_one_the_sdk_reads() -> None:
    home = {"HOME": "/home/u"}
    assert config_file_path(home) == "/home/u/.config/temporalio/temporal.toml"
    assert config_file_path({**home, "XDG_CONFIG_HOME": "/x"}) == "/x/temporalio/temporal.toml"
    # The SDK's core passes over an empty or relative XDG_CONFIG_HOME.
    for xdg in ("", "relative"):
        assert config_file_path({**home, "XDG_CONFIG_HOME": xdg}) == (
            "/home/u/.config/temporalio/temporal.toml"
        )
    explicit = {**home, "XDG_CONFIG_HOME": "/x", "TEMPORAL_CONFIG_FILE": "my.toml"}
    assert config_file_path(explicit) == "my.toml"
    assert config_file_path({**home, "TEMPORAL_CONFIG_FILE": ""}) == (
        "/home/u/.config/temporalio/temporal.toml"
    )


def test_a_profile_without_a_file(
    temporal: FakeTemporal, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The autouse fixture points XDG_CONFIG_HOME at tmp_path/config, where no file is.
    monkeypatch.setenv("TEMPORAL_PROFILE", "staging")
    result = invoke(["complete", *TOKEN])
    expected = profile_line("staging", tmp_path / "config" / "temporalio" / "temporal.toml")
    assert (result.exit_code, result.stderr, result.stdout) == (2, expected, "")
    assert temporal.connects == 0


def test_a_profile_that_the_file_does_not_hold(
    temporal: FakeTemporal, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "temporal.toml"
    config.write_text('[profile.default]\naddress = "h:1"\n')
    monkeypatch.setenv("TEMPORAL_CONFIG_FILE", str(config))
    monkeypatch.setenv("TEMPORAL_PROFILE", "nope")
    result = invoke(["fail", *TOKEN, "--reason", "r"])
    assert (result.exit_code, result.stderr) == (2, profile_line("nope", config))
    monkeypatch.setenv("TEMPORAL_PROFILE", "default")
    result = invoke(["fail", *TOKEN, "--reason", "r"])
    assert result.exit_code == 0
    assert temporal.connect_kwargs == {"target_host": "h:1", "namespace": "default"}


def test_a_missing_file_is_no_error_without_a_profile(
    temporal: FakeTemporal, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TEMPORAL_CONFIG_FILE", str(tmp_path / "missing.toml"))
    result = invoke(["complete", *TOKEN])
    assert (result.exit_code, result.stdout) == (0, f"Completed {REAL_DESC}\n")


def test_a_file_that_cannot_be_read(
    temporal: FakeTemporal, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TEMPORAL_CONFIG_FILE", str(tmp_path))
    result = invoke(["complete", *TOKEN])
    assert (result.exit_code, result.stderr) == (
        2,
        f'error: cannot read the Temporal configuration file "{tmp_path}": is a directory\n',
    )
    assert temporal.connects == 0


@pytest.mark.parametrize(
    "content",
    [
        b"not toml [[[",
        b"[profile.default]\naddress = 5\n",
        b"profile = 3\n",
        b"[profile.default]\ntls = true\n",
        b'[profile.default]\nnamespace = "caf\xe9"\n',
    ],
    ids=["not TOML", "number", "not a table", "tls not a table", "not UTF-8"],
)
def test_a_file_that_is_not_valid(
    temporal: FakeTemporal, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, content: bytes
) -> None:
    config = tmp_path / "temporal.toml"
    config.write_bytes(content)
    monkeypatch.setenv("TEMPORAL_CONFIG_FILE", str(config))
    # Also when the profile named is not in it: the file is what to fix first.
    monkeypatch.setenv("TEMPORAL_PROFILE", "other")
    result = invoke(["complete", *TOKEN])
    assert (result.exit_code, result.stderr, result.stdout) == (2, invalid_line(config), "")
    assert temporal.connects == 0


def test_a_batch_reports_its_malformed_lines_then_the_configuration(
    temporal: FakeTemporal, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TEMPORAL_PROFILE", "gone")
    result = invoke(["complete", "--batch", "-"], input=f"zz\n{REAL_TOKEN}\n")
    assert result.exit_code == 2
    assert result.stdout.startswith('{"line":1,"outcome":"malformed"')
    assert result.stdout.count("\n") == 1
    path = tmp_path / "config" / "temporalio" / "temporal.toml"
    assert result.stderr == profile_line("gone", path)
    assert temporal.connects == 0


# Nothing but the one line on standard error.


NOISY_LIBRARIES = """
import logging, sys, warnings
from async_completer.cli import quiet_libraries
if sys.argv[1] == "quiet":
    quiet_libraries()
warnings.warn("Target host as URL with scheme no longer supported", stacklevel=1)
logging.getLogger("temporalio.client").warning("a library's log record")
class Late:
    def __del__(self):
        raise RuntimeError("collected late")
Late()
"""


@pytest.mark.parametrize("quiet", [True, False])
def test_no_library_writes_to_standard_error(quiet: bool) -> None:
    process = subprocess.run(
        [sys.executable, "-c", NOISY_LIBRARIES, "quiet" if quiet else "loud"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert process.returncode == 0
    if quiet:
        assert process.stderr == ""
    else:  # the check can see each of them
        for noise in ("UserWarning", "a library's log record", "collected late"):
            assert noise in process.stderr


def test_the_process_prints_one_line_for_a_url_address() -> None:
    """The real program, with warnings turned into output as loudly as Python allows."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEMPORAL_")}
    env |= {"PYTHONWARNINGS": "always", "TEMPORAL_ADDRESS": "http://127.0.0.1:1"}
    process = subprocess.run(
        [
            *(sys.executable, "-m", "async_completer", "complete"),
            *("--workflow-id", "w", "--activity-id", "1", "--rpc-timeout", "2s"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert (process.returncode, process.stdout, process.stderr) == (2, "", scheme_line("http"))
