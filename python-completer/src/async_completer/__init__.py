"""The Python completer: finishes a Temporal Activity from its task token, outside the Worker.

Where each concern lives (the Go completer, go-completer/internal/, uses the mirror names):
- cli: the click group, the one `error: ` line and exit code of every failure, main();
- verbs/: one module per verb (complete, fail, heartbeat, cancel, inspect, list, serve,
  link) and the options they share;
- args: the command line's grammar (Go's `flag` rules);
- lines: every line and JSON text the completer prints, the words of docs/completer-cli.md;
- errors: the failures, each with its exit code;
- target, tasktoken: which Activity, checked offline; times, durations, text, files: values;
- connection: environment configuration and flags, connecting; send: one request, and what
  its failure means;
- identity: who acted, as every request records it; history: what closed an Activity, read
  from its Workflow's history after a refusal (already done, or why not);
- links: signed action links (the format, signing and verifying, the key file);
- configfile: Temporal's configuration file, and what is wrong with it;
- jobs, batch, output: a batch's lines, sending them with bounded concurrency, and writing
  standard output;
- pending: the pending Activities, from visibility and describe (`list`);
- serve: the HTTP service (routes, credentials, limits, signed links' pages) that `serve`
  runs, and page: the pages it serves (copies of the project's page/).

Nothing below verbs/ imports a verb, and temporalio is imported only where a request is sent
(send, history, pending and serve, and inside the functions of connection, configfile and
batch), so `--help` and `inspect` start without it; aiohttp only by serve.
"""
