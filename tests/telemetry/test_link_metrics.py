"""completer_links_total: each signed link request counted by its result (acted, shown,
refused, invalid, expired), never by the link itself, in both languages."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.harness import clean_env, free_port
from tests.parity.test_links import KEY, expires_at, make_link
from tests.serve.harness import KINDS, ServeProcess
from tests.telemetry.metrics import counts, scrape


@pytest.mark.parametrize("kind", KINDS)
def test_links_are_counted_by_result(kind: str, demo: Any, tmp_path: Path) -> None:
    key = tmp_path / "link.key"
    key.write_text(KEY + "\n")
    key.chmod(0o600)
    port = free_port()
    serve = ServeProcess.start(
        kind,
        demo.server.address,
        tmp_path / "serve.log",
        "--link-key-file",
        str(key),
        "--metrics-listen",
        f"127.0.0.1:{port}",
        env=clean_env(demo.server.address),
    )
    try:
        (handle, _), (late, _) = demo.pending(), demo.pending()
        expiring = make_link(demo, kind, late.id, serve.url, key, "--expires-at", expires_at(3))
        expiry = time.monotonic() + 4
        link = urlsplit(make_link(demo, kind, handle.id, serve.url, key)).path
        assert serve.request("GET", link).status == 200  # shown
        assert serve.request("POST", link).status == 200  # acted
        assert serve.request("POST", link).status == 409  # refused: used
        assert serve.request("GET", link[:-4] + "AAAA").status == 403  # invalid
        time.sleep(max(expiry - time.monotonic(), 0))
        assert serve.request("POST", urlsplit(expiring).path).status == 410  # expired
        samples = scrape(port)
        text = (tmp_path / "serve.log").read_text()
    finally:
        serve.stop()
    assert counts(samples, "completer_links_total") == {
        (("result", result),): 1.0 for result in ("shown", "acted", "refused", "invalid", "expired")
    }
    temporal = counts(samples, "completer_temporal_requests_total")
    assert temporal[(("operation", "complete"), ("result", "OK"))] == 1  # the one that acted
    routes = {dict(labels)["route"] for labels in counts(samples, "completer_http_requests_total")}
    assert routes == {"/a/{link}"}, text
    demo.loop.run(late.terminate("test over"))
