"""An API key set in the environment (TEMPORAL_API_KEY) is sent by both completers as
`authorization: Bearer KEY` on every call, and never printed, whatever happens.

The completers reach the dev server through a TLS proxy of their own that reads the
headers of every HTTP/2 request they send. The dev server ignores API keys, so the
completion itself succeeds. An API key turns TLS on in both SDKs: the test gives the CA
for the throwaway certificate, and one case leaves it out to see TLS fail."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from tests.harness import CompleterRun, clean_env, free_port, run_completer
from tests.security.conftest import TlsStack, tls_env
from tests.security.helpers import SERVICE, retoken, show, tls_line
from tests.security.tlsproxy import TlsProxy

API_KEY = "secret-key-123"


def never_shows_the_key(run: CompleterRun) -> None:
    for stream, text in (("stdout", run.stdout), ("stderr", run.stderr)):
        assert API_KEY not in text, f"the API key is on {stream}: {show(run)}"
        # Not even a part of it, nor the header it travels in.
        assert "secret-key" not in text, f"part of the API key is on {stream}: {show(run)}"
        assert "bearer" not in text.lower(), f"the authorization header is on {stream}: {show(run)}"


def test_both_completers_send_the_api_key_and_never_print_it(
    tls: TlsStack, client_proxy: TlsProxy, completer: str
) -> None:
    _, token = tls.start_pending(f"api-key-{completer}")
    env = tls_env(client_proxy.address, tls.pki.ca_cert, TEMPORAL_API_KEY=API_KEY)
    mark = client_proxy.handshakes()
    run = run_completer(
        completer,
        ["complete", "--tasktoken", "-", "--result", "sent with an API key"],
        client_proxy.address,
        stdin=token.token,
        env=env,
    )
    assert run.returncode == 0, show(run)
    never_shows_the_key(run)

    connections = client_proxy.connections_since(mark)
    assert connections, "the completer completed no TLS handshake with the proxy"
    requests = [r for c in connections for r in c.requests]
    assert not [c.decode_errors for c in connections if c.decode_errors]
    calls = [r.path.removeprefix(SERVICE) for r in requests]
    assert "RespondActivityTaskCompleted" in calls, calls
    for request in requests:
        assert request.path.startswith(SERVICE), request.path
        assert request.get("authorization") == [f"Bearer {API_KEY}"], (
            f"{request.path}: authorization {request.get('authorization')}"
        )
    assert tls.result(token.fields["workflow_id"]) == "sent with an API key"


def test_the_api_key_is_never_printed_when_a_completer_fails(
    tls: TlsStack, client_proxy: TlsProxy, completer: str
) -> None:
    handle, token = tls.start_pending(f"api-key-fail-{completer}")
    address = client_proxy.address
    key = {"TEMPORAL_API_KEY": API_KEY}
    ca = str(tls.pki.ca_cert)
    closed = f"127.0.0.1:{free_port()}"
    complete = ["complete", "--tasktoken", "-", "--result", "x", "--rpc-timeout", "3s"]
    cases: list[tuple[str, list[str], str, dict[str, str], int, str | None]] = [
        (
            "wrong CA",
            complete,
            address,
            {**key, "TEMPORAL_TLS_SERVER_CA_CERT_PATH": str(tls.pki.wrong_ca_cert)},
            4,
            tls_line(address),
        ),
        (
            # An API key turns TLS on: with the system's CAs the throwaway one is unknown.
            "API key alone",
            complete,
            address,
            key,
            4,
            tls_line(address),
        ),
        (
            "unreachable",
            complete,
            closed,
            {**key, "TEMPORAL_TLS_SERVER_CA_CERT_PATH": ca},
            4,
            f"error: could not reach the Temporal server at {closed} within 3s: start one with "
            "make server, or point TEMPORAL_ADDRESS or --address at yours\n",
        ),
        (
            "unknown namespace",
            [*complete, "--namespace", "no-such-namespace"],
            address,
            {**key, "TEMPORAL_TLS_SERVER_CA_CERT_PATH": ca},
            3,
            None,
        ),
        (
            "refused",
            complete,
            address,
            {**key, "TEMPORAL_TLS_SERVER_CA_CERT_PATH": ca},
            3,
            None,
        ),
        (
            "bad token",
            ["complete", "--tasktoken", token.token[:-1]],
            address,
            {**key, "TEMPORAL_TLS_SERVER_CA_CERT_PATH": ca},
            2,
            None,
        ),
    ]
    stdin = {"refused": retoken(token.token, run_id=str(uuid.uuid4()))}

    def run_case(case: tuple[str, list[str], str, dict[str, str], int, str | None]) -> CompleterRun:
        name, args, target, extra, _, _ = case
        env = clean_env(target, **extra)
        return run_completer(completer, args, target, stdin=stdin.get(name, token.token), env=env)

    with ThreadPoolExecutor(max_workers=3) as pool:
        runs = list(pool.map(run_case, cases))
    failures = []
    for (name, _, _, _, code, line), run in zip(cases, runs, strict=True):
        if run.returncode != code or (line is not None and run.stderr != line):
            failures.append(f"{name}: expected exit {code} {line!r}, got {show(run)}")
        try:
            never_shows_the_key(run)
        except AssertionError as err:
            failures.append(f"{name}: {err}")
    assert not failures, "\n".join(failures)
    assert tls.pending_activities(handle.id) == 1
