"""`serve`: the completer as an HTTP service (docs/completer-http.md). The start-up checks
are made here, in the page's order, before anything listens; serving is serve/'s, imported
only once the command line is good (aiohttp and temporalio take a while to import)."""

from __future__ import annotations

import contextlib

import click

from async_completer import lines
from async_completer.args import VerbCommand, reject_extra_args
from async_completer.connection import Connection
from async_completer.durations import parse_rpc_timeout
from async_completer.lines.errors import UsageFailure
from async_completer.lines.stdout import write_line
from async_completer.links import read_keys
from async_completer.verbs.options import CONTEXT_SETTINGS, connection_options

DEFAULT_LISTEN = "127.0.0.1:8080"


@click.command(cls=VerbCommand, context_settings=CONTEXT_SETTINGS)
@click.option(
    "--listen",
    metavar="HOST:PORT",
    default=DEFAULT_LISTEN,
    show_default=True,
    help="Where to listen; port 0 picks a free one. HOST is an IP address or localhost.",
)
@click.option(
    "--auth-token-file",
    metavar="FILE",
    help="The credentials callers must send as Authorization: Bearer <secret>: one SECRET, "
    "or NAME SECRET, per line. Required unless HOST is a loopback address.",
)
@click.option("--tls-cert", metavar="FILE", help="Serve HTTPS with this PEM certificate chain.")
@click.option("--tls-key", metavar="FILE", help="The PEM key of --tls-cert.")
@click.option(
    "--link-key-file",
    metavar="FILE",
    help="Answer signed links (GET shows, POST acts: /a/LINK) made by `link` with this key "
    "file; its second line, if any, is the previous key (verifies only).",
)
@click.option(
    "--metrics-listen",
    metavar="HOST:PORT",
    help="Serve GET /metrics (Prometheus text format) on this address of its own, with no "
    "credential: no metric holds a token, a result or a secret.",
)
@connection_options
@click.pass_context
def serve(
    ctx: click.Context,
    listen: str,
    auth_token_file: str | None,
    tls_cert: str | None,
    tls_key: str | None,
    link_key_file: str | None,
    metrics_listen: str | None,
    address: str | None,
    namespace: str | None,
    rpc_timeout: str,
) -> None:
    """Serves the completer over HTTP until SIGTERM or SIGINT: POST /v1/complete, /v1/fail,
    /v1/heartbeat and /v1/cancel take one --batch JSON job and answer its outcome; GET
    /v1/pending lists what waits (as list --json); GET /healthz; GET / is the approval page;
    with --link-key-file, /a/LINK answers the signed links of `link` (GET shows, POST acts).

    \b
    It prints "Serving on URL" once listening, and connects to Temporal on
    the first request that needs it: a Temporal server that is down gets 503
    answers, not a failed start. --rpc-timeout bounds each Temporal request
    a route makes. Each action is recorded as the NAME of its credential
    (`NAME via python-completer serve@HOST`), with its Idempotency-Key; a
    repeat of what closed the Activity is answered 200 "already": true.
    docs/completer-http.md is the contract.
    """
    reject_extra_args(ctx)
    timeout = parse_rpc_timeout(rpc_timeout)
    # Imported here: serve/ is only for serve (credentials and listen import no aiohttp).
    from async_completer.serve.credentials import read_credentials
    from async_completer.serve.listen import load_tls, parse_listen

    where = parse_listen(listen)
    if not where.loopback and auth_token_file is None:
        raise UsageFailure(lines.listen_not_loopback(where.host))
    credentials = read_credentials(auth_token_file) if auth_token_file is not None else None
    if (tls_cert is None) != (tls_key is None):
        raise UsageFailure(lines.TLS_TOGETHER)
    tls = load_tls(tls_cert, tls_key) if tls_cert is not None and tls_key is not None else None
    link_keys = None
    if link_key_file is not None:
        link_keys, warning = read_keys(link_key_file)
        if warning is not None:
            with contextlib.suppress(OSError, ValueError):
                write_line(warning, err=True)
    metrics = parse_listen(metrics_listen, "--metrics-listen") if metrics_listen else None
    from async_completer.verbs.serve_run import run

    connection = Connection(address, namespace, timeout, rpc_timeout)
    run(connection, where, credentials, tls, link_keys=link_keys, metrics=metrics)
