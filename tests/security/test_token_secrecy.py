"""Task tokens are credentials: anyone holding one can complete its Activity. The
completers never print a token back, in success or failure, single or batch; only
`inspect` shows what a token holds (its IDs, decoded), and not the token itself. The
demo script keeps the Worker's log, the one file that holds tokens, in a folder that
only its owner can read."""

from __future__ import annotations

import base64
import json
import os
import re
import stat
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tests.harness import CompleterRun, clean_env, free_port, run_all_script, run_completer
from tests.security.conftest import TlsStack
from tests.security.helpers import leaks, retoken, show


@dataclass
class Case:
    name: str
    args: list[str]
    code: int
    stdin: str = ""
    address: str | None = None


def test_a_completer_never_prints_a_token(tls: TlsStack, completer: str) -> None:
    handle, line = tls.start_pending(f"secret-{completer}")
    token = line.token
    other_run = retoken(token, run_id=str(uuid.uuid4()))
    other_namespace = retoken(token, namespace_id=str(uuid.uuid4()))
    as_base64 = base64.b64encode(bytes.fromhex(token)).decode()
    not_hex = token[:40] + "z" + token[41:]
    closed = f"127.0.0.1:{free_port()}"
    desc = f'Activity "{line.activity_id}" of Workflow "{handle.id}" (attempt 1)'

    def by_token(verb: str, *extra: str, value: str = "-") -> list[str]:
        return [verb, "--tasktoken", value, *extra]

    while_pending = [
        Case("unreachable", by_token("complete", "--rpc-timeout", "2s"), 4, token, closed),
        Case("unknown namespace", by_token("complete", "--namespace", "no-such-ns"), 3, token),
        Case("another run", by_token("complete"), 3, other_run),
        Case("another namespace's token", by_token("complete"), 3, other_namespace),
        Case("odd number of digits", by_token("complete"), 2, token[:-1]),
        Case("cut short", by_token("complete", value=token[:-2]), 2),
        Case("not hex", by_token("complete", value=not_hex), 2),
        Case("base64", by_token("complete"), 2, as_base64),
        Case("cancel not requested", by_token("cancel"), 3, token),
        Case("heartbeat", by_token("heartbeat", value=token), 0),
        Case("inspect", by_token("inspect", value=token), 0),
        Case("complete", by_token("complete", "--result", "done"), 0, token),
    ]
    after = [
        Case("complete again", by_token("complete", value=token), 3),
        Case("fail", by_token("fail", "--reason", "late"), 3, token),
        Case("heartbeat after", by_token("heartbeat"), 3, token),
        Case("cancel after", by_token("cancel", value=token), 3),
        Case(
            "batch",
            ["complete", "--batch", "-"],
            3,
            "\n".join(
                [token, other_run, token.upper(), token[:-1], json.dumps({"tasktoken": token})]
            ),
        ),
        Case("fail batch", ["fail", "--batch", "-", "--reason", "late"], 3, f"0x{token}\n"),
    ]
    secrets = [token, other_run, other_namespace, as_base64]

    def run_case(case: Case) -> CompleterRun:
        address = case.address or tls.server.address
        return run_completer(
            completer, case.args, address, stdin=case.stdin, env=clean_env(address)
        )

    # The cases of each group do not depend on each other: a few at a time.
    runs: dict[str, CompleterRun] = {}
    with ThreadPoolExecutor(max_workers=3) as pool:
        for group in (while_pending[:-1], while_pending[-1:], after):
            runs.update(zip((c.name for c in group), pool.map(run_case, group), strict=True))
    failures = []
    for case in [*while_pending, *after]:
        run = runs[case.name]
        if run.returncode != case.code:
            failures.append(f"{case.name}: expected exit {case.code}, got {show(run)}")
        if found := leaks(run.stdout + run.stderr, secrets):
            failures.append(f"{case.name}: prints the token {found}: {show(run)}")
    assert not failures, "\n".join(failures)

    # Success lines name the Activity by its IDs, never by its token.
    assert runs["complete"].stdout == f"Completed {desc}\n"
    assert runs["heartbeat"].stdout == f"Recorded a heartbeat for {desc}\n"
    # inspect shows what the token holds, decoded; still not the token.
    decoded = json.loads(runs["inspect"].stdout)
    assert (decoded["workflow_id"], decoded["run_id"], decoded["activity_id"]) == (
        handle.id,
        line.run_id,
        line.activity_id,
    )
    assert decoded["attempt"] == 1
    assert tls.result(handle.id) == "done"


def test_run_all_keeps_its_logs_in_a_folder_only_its_owner_can_read(tmp_path: Path) -> None:
    # umask 0 would leave every file it creates readable and writable by anyone: the
    # folder must not depend on the caller's umask.
    run = run_all_script(180, umask=0, COMPLETER="go", TMPDIR=str(tmp_path), RESULT="kept private")
    match = re.search(r"^Done\. Logs: (.+)$", run.stdout, re.MULTILINE)
    assert match, run.stdout
    folder = Path(match.group(1))
    assert folder.parent == tmp_path, folder
    mode = stat.S_IMODE(folder.stat().st_mode)
    assert mode == 0o700, f"{folder} has mode {mode:04o}"
    assert folder.stat().st_uid == os.getuid()

    worker_log = (folder / "worker.log").read_text()
    tokens = re.findall(r"taskToken=([0-9a-f]+)$", worker_log, re.MULTILINE)
    assert len(tokens) == 1, worker_log
    token = tokens[0]
    # The token is in the Worker's log only: not on the demo's terminal, not in any other file.
    assert not leaks(run.stdout + run.stderr, [token]), run.stdout
    holding = [p.name for p in sorted(folder.iterdir()) if p.is_file() and token in p.read_text()]
    assert holding == ["worker.log"]
