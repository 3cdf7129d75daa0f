"""`list`: the Activities that wait to be finished, as a table or as JSON lines that
`complete --batch -` reads back. Finding them is pending/'s; writing them is here."""

from __future__ import annotations

import functools
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from async_completer import lines
from async_completer.args import (
    DEFAULT_PAGE_SIZE,
    VerbCommand,
    parse_concurrency,
    parse_page_size,
    reject_extra_args,
)
from async_completer.connection import Connection
from async_completer.durations import parse_rpc_timeout
from async_completer.lines.errors import CompleterError, UsageFailure
from async_completer.lines.stdout import Stdout, encode_line
from async_completer.model import PendingActivity
from async_completer.verbs.list_failures import ListFailures
from async_completer.verbs.options import CONTEXT_SETTINGS, concurrency_option, connection_options

if TYPE_CHECKING:
    from async_completer.connection import Server
    from async_completer.pending.listing import Scope


class Lines:
    """Standard output for whole lines; a write that fails stops the listing."""

    def __init__(self, server: Server) -> None:
        self._stdout = Stdout()
        self.server = server
        self.failures = ListFailures()

    def write(self, texts: Sequence[str]) -> None:
        _, error = self._stdout.write([encode_line(text) for text in texts])
        if error is not None:
            raise CompleterError(lines.listing_stdout_failed(error))


class JsonLines(Lines):
    """One JSON line per pending Activity, as soon as its Workflow's describe returns."""

    def workflow(self, rows: Sequence[PendingActivity]) -> None:
        if rows:
            self.write([lines.list_json_line(row) for row in rows])

    def standalone(self, row: PendingActivity) -> None:
        self.write([lines.list_json_line(row)])

    def page(self) -> None:
        pass

    def failed(self, workflow_id: str, run_id: str, err: Exception) -> None:
        message = self.failures.add(err, self.server)
        self.write([lines.list_failed_json_line(workflow_id, run_id, message)])


class Table(Lines):
    """The table, one block per visibility page, sorted by Workflow ID then run ID. A
    column is as wide as its widest cell so far: a later block may widen it, lines already
    written stay as they were."""

    def __init__(self, server: Server) -> None:
        super().__init__(server)
        # A row: an Activity, or a Workflow that could not be described with its line.
        self._block: list[PendingActivity | tuple[str, str, str]] = []
        self._widths = [0] * len(lines.TABLE_HEADER)
        self._header_written = False
        self.activities = 0
        self.workflows = 0
        self.standalones = 0

    def workflow(self, rows: Sequence[PendingActivity]) -> None:
        self._block.extend(rows)
        self.activities += len(rows)
        self.workflows += bool(rows)

    def failed(self, workflow_id: str, run_id: str, err: Exception) -> None:
        self._block.append((workflow_id, run_id, self.failures.add(err, self.server)))

    def standalone(self, row: PendingActivity) -> None:
        self._block.append(row)
        self.activities += 1
        self.standalones += 1

    def page(self) -> None:
        if not self._block:
            return
        # A stable sort: a Workflow's Activities keep the server's order.
        self._block.sort(key=_ids)
        now = time.time_ns()
        block = [
            lines.failed_cells(row[0], row[2])
            if isinstance(row, tuple)
            else lines.table_cells(row, now)
            for row in self._block
        ]
        self._block = []
        if not self._header_written:
            block.insert(0, lines.TABLE_HEADER)
            self._header_written = True
        for cells in block:
            for column, cell in enumerate(cells):
                self._widths[column] = max(self._widths[column], lines.display_width(cell))
        self.write([lines.table_line(cells, self._widths) for cells in block])

    def finish(self, looked_at: int) -> None:
        self.write(
            [
                lines.count_line_with_failures(
                    self.activities,
                    self.workflows,
                    looked_at,
                    self.failures.count,
                    self.standalones,
                )
            ]
        )


def _ids(row: PendingActivity | tuple[str, str, str]) -> tuple[str, str]:
    return (row[0], row[1]) if isinstance(row, tuple) else (row.workflow_id, row.run_id)


@click.command("list", cls=VerbCommand, context_settings=CONTEXT_SETTINGS)
@click.option("--workflow-id", metavar="ID", help="That Workflow only (its latest run).")
@click.option(
    "--query",
    metavar="QUERY",
    help='A visibility query, sent as is (default: TaskQueue = "async" AND ExecutionStatus = '
    '"Running").',
)
@click.option("--json", "json_lines", is_flag=True, help="One JSON line per pending Activity.")
@click.option(
    "--no-input",
    is_flag=True,
    help="Leave the histories unread: no input or summary (null, -), faster.",
)
@concurrency_option("Describes in flight at most, 1 to 1000.")
@click.option(
    "--page-size",
    metavar="N",
    default=DEFAULT_PAGE_SIZE,
    show_default=True,
    help="Workflows per visibility page, 1 to 1000.",
)
@functools.partial(
    connection_options, rpc_timeout_help="Bound on connecting, and on each request on its own"
)
@click.pass_context
def list_pending(
    ctx: click.Context,
    workflow_id: str | None,
    query: str | None,
    json_lines: bool,
    no_input: bool,
    concurrency: str,
    page_size: str,
    address: str | None,
    namespace: str | None,
    rpc_timeout: str,
) -> None:
    """Lists the Activities that wait to be finished, with the IDs that finish them
    (`list --json | python-completer complete --batch - --result TEXT`).

    \b
    The server gives task tokens to the Worker only: a listed Activity is finished by
    its IDs. Visibility can lag a Workflow started a moment ago: the default scope and
    --query may miss it for about a second; --workflow-id (describe alone) does not.
    """
    reject_extra_args(ctx)
    timeout = parse_rpc_timeout(rpc_timeout)
    workers = parse_concurrency(concurrency)
    size = parse_page_size(page_size)
    if workflow_id and query is not None:
        raise UsageFailure(lines.BOTH_SCOPES)
    connection = Connection(address, namespace, timeout, rpc_timeout)
    # Imported here, not at the top: temporalio takes a while to import, and --help and
    # inspect do not need it.
    from async_completer.connection import client_config
    from async_completer.pending.listing import DEFAULT_QUERY, Scope

    config, server = client_config(connection)
    scope = Scope(workflow_id or None, DEFAULT_QUERY if query is None else query)
    sink: JsonLines | Table = JsonLines(server) if json_lines else Table(server)
    # The default scope lists the running standalone Activities of the task queue too.
    with_standalone = not workflow_id and query is None
    looked_at = _list_into(
        connection, config, server, scope, size, workers, sink, not no_input, with_standalone
    )
    if isinstance(sink, Table):
        sink.finish(looked_at)
    failure = sink.failures.failure()
    if failure is not None:
        raise failure


def _list_into(
    connection: Connection,
    config: dict[str, Any],
    server: Server,
    scope: Scope,
    page_size: int,
    concurrency: int,
    sink: JsonLines | Table,
    read_input: bool,
    with_standalone: bool,
) -> int:
    """Connects (within --rpc-timeout) and lists the scope into sink. Returns how many
    Workflows were looked at; raises the contract's error."""
    import asyncio

    from async_completer.connection import connect
    from async_completer.pending.standalone import STANDALONE_QUERY, StandaloneLister
    from async_completer.send.errors import failure_for, listing_failure

    async def connect_and_list() -> int:
        try:
            async with asyncio.timeout(connection.rpc_timeout):
                client = await connect(config, server)
        except Exception as err:
            raise failure_for(err, server) from err
        lister = StandaloneLister(
            client, server, connection.rpc_timeout, concurrency, read_input=read_input
        )
        try:
            await lister.run(scope, page_size, sink)
            if with_standalone:
                await lister.run_standalone(STANDALONE_QUERY, page_size, sink)
        except Exception as err:
            raise listing_failure(err, server) from err
        return lister.looked_at

    return asyncio.run(connect_and_list())
