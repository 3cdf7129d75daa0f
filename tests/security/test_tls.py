"""Every program of the project connects over TLS when Temporal's environment
configuration asks for it: the Worker, the starter and both completers reach a private
dev server only through a TLS-terminating proxy, with TEMPORAL_TLS_SERVER_CA_CERT_PATH
naming a throwaway CA. The proxy's port speaks nothing but TLS, and it counts the TLS
handshakes each program completed and reads the gRPC calls each one made."""

from __future__ import annotations

import subprocess

from tests.harness import VENV_BIN, run_completer, unique_id
from tests.security.conftest import TlsStack, tls_env
from tests.security.helpers import over_tls, show, tls_line
from tests.security.tlsproxy import TlsProxy


def test_the_proxy_is_tls_only_and_not_the_dev_server_port(
    tls: TlsStack, client_proxy: TlsProxy
) -> None:
    """Success through the proxy implies TLS: its port is not the dev server's, and a
    client without TLS settings does not get through it."""
    plaintext_port = int(tls.server.address.rsplit(":", 1)[1])
    assert plaintext_port not in (tls.worker_proxy.port, client_proxy.port)
    handle, token = tls.start_pending("plain")
    mark = client_proxy.handshakes()
    run = run_completer(
        "python",
        ["complete", "--tasktoken", "-", "--rpc-timeout", "3s"],
        client_proxy.address,
        stdin=token.token,
    )
    assert run.returncode == 4, show(run)
    assert client_proxy.handshakes() == mark, "a plaintext client completed a TLS handshake"
    assert tls.pending_activities(handle.id) == 1


def test_worker_starter_and_completer_work_through_tls(
    tls: TlsStack, client_proxy: TlsProxy, completer: str
) -> None:
    env = tls_env(client_proxy.address, tls.pki.ca_cert)
    workflow_id = unique_id(f"tls-{completer}")
    mark = client_proxy.handshakes()
    started = subprocess.run(
        [str(VENV_BIN / "python-starter"), "--workflow-id", workflow_id, "--no-wait"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode == 0, show(started)
    assert started.stdout.startswith(f"Started Workflow: workflow_id={workflow_id} ")
    assert "StartWorkflowExecution" in over_tls(client_proxy, mark, "the starter")

    token = tls.worker.wait_for_token(workflow_id)
    # The Worker got the Workflow and the Activity over its own TLS connections.
    worker_calls = over_tls(tls.worker_proxy, 0, "the Worker")
    for method in (
        "PollWorkflowTaskQueue",
        "RespondWorkflowTaskCompleted",
        "PollActivityTaskQueue",
    ):
        assert method in worker_calls, worker_calls

    result = f"completed over TLS by the {completer} completer"
    mark = client_proxy.handshakes()
    run = run_completer(
        completer,
        ["complete", "--tasktoken", "-", "--result", result],
        client_proxy.address,
        stdin=token.token,
        env=env,
    )
    assert run.returncode == 0, show(run)
    assert run.stdout == (
        f'Completed Activity "{token.activity_id}" of Workflow "{workflow_id}" (attempt 1)\n'
    )
    assert run.stderr == ""
    calls = over_tls(client_proxy, mark, f"the {completer} completer")
    assert "RespondActivityTaskCompleted" in calls, calls

    assert tls.result(workflow_id) == result


def test_a_completer_given_the_wrong_ca_fails_with_the_tls_line(
    tls: TlsStack, client_proxy: TlsProxy, completer: str
) -> None:
    handle, token = tls.start_pending(f"wrong-ca-{completer}")
    address = client_proxy.address
    mark = client_proxy.handshakes()
    run = run_completer(
        completer,
        ["complete", "--tasktoken", "-", "--result", "must not arrive"],
        address,
        stdin=token.token,
        env=tls_env(address, tls.pki.wrong_ca_cert),
    )
    assert (run.returncode, run.stdout, run.stderr) == (4, "", tls_line(address)), show(run)
    assert client_proxy.handshakes() == mark, "a handshake with an untrusted CA completed"
    assert tls.pending_activities(handle.id) == 1
