"""Signed links for a standalone Activity (started without a Workflow): `link --activity-id
ID` alone signs its current attempt (the same bytes in Python and Go), each serve shows it on
GET and acts on POST, and a used link, or one whose attempt was retried, is refused with
what the Activity's own record says."""

from __future__ import annotations

import html
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Demo
from tests.harness import DevServer
from tests.parity.test_links import fields, path_of
from tests.parity.test_standalone import start_standalone, status
from tests.serve.harness import KINDS, ServeProcess

KEY = "s" * 16 + "0123456789abcdef0123456789abcdef"


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("standalone-link-key") / "link.key"
    path.write_text(KEY + "\n")
    os.chmod(path, 0o600)
    return path


@pytest.fixture(scope="module")
def serves(
    dev_server: DevServer, key_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, ServeProcess]]:
    logs = tmp_path_factory.mktemp("standalone-link-serves")
    started = {
        kind: ServeProcess.start(
            kind, dev_server.address, logs / f"{kind}.log", "--link-key-file", str(key_file)
        )
        for kind in KINDS
    }
    yield started
    for serve in started.values():
        serve.stop()


def make_link(demo: Demo, kind: str, activity_id: str, base_url: str, key_file: Path) -> str:
    ran = demo.run(
        kind, "link", "--activity-id", activity_id, "--action", "approve", "--result",
        f"approved by {kind}'s link", "--expires", "1h", "--base-url", base_url,
        "--link-key-file", str(key_file),
    )  # fmt: skip
    assert ran.returncode == 0 and ran.stderr == "", ran
    [url] = ran.stdout.splitlines()
    return url


@pytest.mark.parametrize("kind", KINDS)
def test_a_link_approves_a_standalone_activity_once(
    demo: Demo, serves: dict[str, ServeProcess], key_file: Path, kind: str
) -> None:
    activity_id, line = start_standalone(demo)
    serve = serves[kind]
    other = "go" if kind == "python" else "python"
    url = make_link(demo, other, activity_id, serve.url, key_file)
    assert fields(url)[2:6] == ["", line.run_id, activity_id, 1]
    shown = serve.get(path_of(url))
    assert shown.status == 200, shown
    page = html.unescape(shown.body.decode())
    assert f'standalone Activity "{activity_id}" (attempt 1)' in page, page
    assert "(standalone)" in page
    assert status(demo, activity_id) == "RUNNING"  # GET never acts
    done = serve.request("POST", path_of(url))
    assert done.status == 200, done
    assert status(demo, activity_id) == "COMPLETED"
    again = serve.request("POST", path_of(url))
    assert again.status == 409, again
    assert "is not pending any more: it was completed at " in html.unescape(again.body.decode())
