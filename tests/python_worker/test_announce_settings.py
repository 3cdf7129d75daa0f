"""The Worker's announce settings, checked before it connects: a setting that cannot work
stops it with one `error: ` line and exit 2 (no server needed)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.harness import VENV_BIN

UNREACHABLE = "127.0.0.1:1"


def worker(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("TEMPORAL_", "ANNOUNCE_", "LINK_"))
    }
    return subprocess.run(
        [str(VENV_BIN / "python-worker"), "--address", UNREACHABLE, *args],
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    key = tmp_path / "link.key"
    key.write_text("0123456789abcdef" * 4 + "\n")
    key.chmod(0o600)
    return key


NEEDS_LINKS = (
    "error: --announce-url needs --link-base-url URL (where serve is reached) and "
    "--link-key-file FILE (serve's link key), or LINK_BASE_URL and LINK_KEY_FILE\n"
)


@pytest.mark.parametrize(
    ("args", "env", "line"),
    [
        (["--announce-url", "http://127.0.0.1:9/hook"], {}, NEEDS_LINKS),
        ([], {"ANNOUNCE_URL": "http://127.0.0.1:9/hook"}, NEEDS_LINKS),
        (
            ["--announce-url", "ftp://example.com/hook"],
            {},
            'error: --announce-url "ftp://example.com/hook" is not an http:// or https:// URL: '
            "give the address of the webhook that takes the announcements\n",
        ),
        (
            ["--link-key-file", "link.key"],
            {},
            "error: --link-key-file goes with --announce-url URL: without it nothing is "
            "announced\n",
        ),
    ],
)
def test_settings_that_cannot_work_stop_the_worker(
    args: list[str], env: dict[str, str], line: str
) -> None:
    run = worker(*args, env=env)
    assert (run.returncode, run.stderr) == (2, line), run


def test_link_settings_are_checked_with_the_link_verbs_words(key_file: Path) -> None:
    announce = ["--announce-url", "http://127.0.0.1:9/hook"]
    base = ["--link-base-url", "http://127.0.0.1:8080"]
    key = ["--link-key-file", str(key_file)]
    cases = [
        (
            [*announce, "--link-base-url", "http://127.0.0.1:8080/?q=1", *key],
            'error: --link-base-url "http://127.0.0.1:8080/?q=1" is not an http:// or https:// '
            "URL without a query\n",
        ),
        (
            [*announce, *base, *key, "--link-for", "a b"],
            "error: --link-for must be 1 to 64 of A-Z a-z 0-9 . _ @ -\n",
        ),
        (
            [*announce, *base, *key, "--link-expires", "3w"],
            'error: --link-expires "3w" is not a duration: use for example 90m, 72h or 7d '
            "(at most 365d)\n",
        ),
    ]
    for args, line in cases:
        run = worker(*args)
        assert (run.returncode, run.stderr) == (2, line), run

    short = key_file.with_name("short.key")
    short.write_text("too short\n")
    run = worker(*announce, *base, "--link-key-file", str(short))
    assert (run.returncode, run.stderr) == (
        2,
        f'error: the link key on line 1 of "{short}" is shorter than 32 bytes: make one with '
        "openssl rand -hex 32\n",
    )
    missing = key_file.with_name("missing.key")
    run = worker(*announce, *base, "--link-key-file", str(missing))
    assert run.returncode == 2
    assert run.stderr.startswith(f'error: cannot read the link key file "{missing}": '), run


def test_a_key_file_others_can_read_is_warned_of(key_file: Path) -> None:
    key_file.chmod(0o644)
    run = worker(
        *("--announce-url", "http://127.0.0.1:9/hook", "--link-base-url", "http://127.0.0.1:1"),
        env={"LINK_KEY_FILE": str(key_file)},
    )
    warning, *rest = run.stderr.splitlines()
    assert warning == (
        f'warning: the link key file "{key_file}" can be read by other users: chmod 600 {key_file}'
    )
    # Then it goes on, and stops only because no Temporal server answers.
    assert run.returncode == 1, run
    assert rest[-1].startswith("error: the Worker could not start: "), run
