"""`link`: prints a signed action link (BASE/a/LINK) that `serve`, started with the same
--link-key-file, shows on GET and acts on with POST: one action on the current attempt of one
Activity of one Workflow run, for someone, until it expires (docs/completer-cli.md, "Signed
action links: `link`"). It describes the Workflow to find the run and the attempt; an
Activity that is not pending is refused with what closed it."""

from __future__ import annotations

import contextlib
import time

import click

from async_completer import lines
from async_completer.args import VerbCommand, reject_extra_args
from async_completer.connection import Connection
from async_completer.durations import parse_rpc_timeout
from async_completer.lines.errors import UsageFailure
from async_completer.lines.stdout import print_result, write_line
from async_completer.links import (
    ACTIONS,
    APPROVE,
    DEFAULT_EXPIRES,
    DEFAULT_FOR,
    REJECT,
    Link,
    LinkKeys,
    check_base_url,
    check_for,
    check_text,
    make_url,
    parse_expires,
    parse_expires_at,
    read_keys,
)
from async_completer.target import check_target_options
from async_completer.verbs.options import CONTEXT_SETTINGS, connection_options


@click.command(name="link", cls=VerbCommand, context_settings=CONTEXT_SETTINGS)
@click.option("--workflow-id", metavar="ID", help="The Activity's Workflow (needs --activity-id).")
@click.option("--activity-id", metavar="ID", help="The Activity; alone, a standalone Activity.")
@click.option(
    "--run-id", metavar="ID", help="The run (default: the current one, found with describe)."
)
@click.option(
    "--action",
    metavar="approve|reject",
    help="approve completes with --result TEXT; reject fails (non-retryable) with --reason TEXT.",
)
@click.option("--result", metavar="TEXT", help="approve: the result (default: empty).")
@click.option("--reason", metavar="TEXT", help="reject: the reason (required).")
@click.option(
    "--for",
    "for_name",
    metavar="NAME",
    help=f"Who the link is for, recorded as `NAME (link)` (default: {DEFAULT_FOR}).",
)
@click.option(
    "--expires",
    metavar="DURATION",
    help=f"How long the link works: 90m, 72h, 7d, at most 365d (default: {DEFAULT_EXPIRES}).",
)
@click.option(
    "--expires-at",
    metavar="TIME",
    help="An absolute expiry instead, RFC 3339 (2026-12-06T09:00:00Z).",
)
@click.option("--base-url", metavar="URL", help="Where serve is reached (http:// or https://).")
@click.option(
    "--link-key-file",
    metavar="FILE",
    help="The signing key: its first line (at least 32 bytes); serve takes the same file.",
)
@connection_options
@click.pass_context
def link(
    ctx: click.Context,
    workflow_id: str | None,
    activity_id: str | None,
    run_id: str | None,
    action: str | None,
    result: str | None,
    reason: str | None,
    for_name: str | None,
    expires: str | None,
    expires_at: str | None,
    base_url: str | None,
    link_key_file: str | None,
    address: str | None,
    namespace: str | None,
    rpc_timeout: str,
) -> None:
    """Prints a signed link that approves or rejects the Activity's current attempt
    through serve: GET shows what it will do, POST (its button) does it."""
    reject_extra_args(ctx)
    timeout = parse_rpc_timeout(rpc_timeout)
    check_target_options(None, workflow_id, activity_id, run_id)
    assert activity_id
    workflow_id = workflow_id or ""  # none: a standalone Activity
    if action not in ACTIONS:
        raise UsageFailure(lines.BAD_ACTION)
    if (action == APPROVE and reason is not None) or (action == REJECT and result is not None):
        raise UsageFailure(lines.TEXT_FOR_OTHER_ACTION)
    if action == REJECT and not reason:
        raise UsageFailure(lines.REJECT_NEEDS_REASON)
    text = check_text((result if action == APPROVE else reason) or "")
    who = check_for(for_name) if for_name is not None else DEFAULT_FOR
    if expires is not None and expires_at is not None:
        raise UsageFailure(lines.BOTH_EXPIRES)
    now = time.time()
    if expires_at is not None:
        expiry = parse_expires_at(expires_at, now)
    else:
        expiry = int(now) + parse_expires(expires if expires is not None else DEFAULT_EXPIRES)
    if base_url is None or link_key_file is None:
        raise UsageFailure(lines.LINK_NEEDS_URL_AND_KEY)
    base = check_base_url(base_url)
    keys, warning = read_keys(link_key_file)
    if warning is not None:
        with contextlib.suppress(OSError, ValueError):
            write_line(warning, err=True)
    connection = Connection(address, namespace, timeout, rpc_timeout)
    served_in, found_run, attempt = current_attempt(
        connection, workflow_id, activity_id, run_id or None
    )
    signed = Link(
        namespace=served_in,
        workflow_id=workflow_id,
        run_id=found_run,
        activity_id=activity_id,
        attempt=attempt,
        action=action,
        text=text,
        for_name=who,
        expires=expiry,
    )
    print_result(make_url(base, signed, _signing_key(keys)))


def _signing_key(keys: LinkKeys) -> bytes:
    return keys.key  # never the previous key: it only verifies


def current_attempt(
    connection: Connection, workflow_id: str, activity_id: str, run_id: str | None
) -> tuple[str, str, int]:
    """The namespace, the run and the attempt of the pending Activity (describe, within
    --rpc-timeout after connecting within it). An Activity that is not pending is refused
    with what closed it (the history, within --rpc-timeout too)."""
    # Imported here, not at the top: temporalio takes a while to import, and the checks of
    # the command line need none of it.
    import asyncio

    from async_completer.connection import client_config, connect
    from async_completer.pending.attempt import pending_attempt
    from async_completer.send.errors import failure_for
    from async_completer.send.refusal import explain
    from async_completer.target import target_from_ids

    config, server = client_config(connection)
    timeout = connection.rpc_timeout

    async def find() -> tuple[str, str, int]:
        async with asyncio.timeout(timeout):
            client = await connect(config, server)
        found = await pending_attempt(client, workflow_id, run_id, activity_id, timeout)
        if found is None:
            target = target_from_ids(workflow_id, activity_id, run_id)
            raise await explain(client, server, target, timeout)
        return server.namespace, found[0], found[1]

    try:
        return asyncio.run(find())
    except Exception as err:
        raise failure_for(err, server) from err
