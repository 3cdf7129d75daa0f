"""A request refused inside the client is not blamed on the server (issue 17): its line says
the request was not sent (exit 1), where before the Go completer said "the server refused the
request" (exit 3), or, when connecting, that the server could not be reached (exit 4).

The case both completers could meet: an API key typed with a character that is not printable
ASCII. gRPC-Go refuses such a header value inside the client; the Python SDK's client sends
it, and the server answers (the dev server checks no key): the Python completer's line is
the server's answer. TEMPORAL_TLS=false keeps the key from turning TLS on."""

from __future__ import annotations

from tests.harness import DevServer, clean_env, run_completer, unique_id

NOT_SENT = (
    "error: the request was not sent: the completer's gRPC client refused it before it reached "
    'the server (header key "authorization" contains value with non-printable ASCII '
    "characters)\n"
)


def test_a_request_the_client_refuses_is_not_blamed_on_the_server(dev_server: DevServer) -> None:
    env = clean_env(dev_server.address, TEMPORAL_TLS="false", TEMPORAL_API_KEY="clé")
    workflow_id = unique_id("nosuch")
    args = ["complete", "--workflow-id", workflow_id, "--activity-id", "1", "--rpc-timeout", "5s"]
    go = run_completer("go", args, dev_server.address, env=env)
    assert (go.returncode, go.stdout, go.stderr) == (1, "", NOT_SENT)
    listing = run_completer("go", ["list", "--rpc-timeout", "5s"], dev_server.address, env=env)
    assert (listing.returncode, listing.stderr) == (1, NOT_SENT)
    python = run_completer("python", args, dev_server.address, env=env)
    assert python.returncode == 3, python
    assert python.stderr.startswith(
        f'error: Activity "1" of Workflow "{workflow_id}" is not pending'
    )
