"""The Python completer: finishes a Temporal Activity from its task token, outside the Worker.

docs/architecture.md is the map, room for room with the Go completer (go-completer/internal/),
and the layers imports run down through:
- entry: cli (the click group, the one `error: ` line and exit code of every failure),
  args and durations (the command line's grammar), verbs/ (one module per verb, a verb's
  --batch mode, and serve's wiring: its backend over Temporal and its links);
- http: serve/ (routes, credentials, limits, logs), behind one Backend interface;
- actions: send/ (one verb table, sending, the answer after a refusal, errors, limits),
  batch/ (read, run, output), pending/ (listing, a row, the attempt pending now), links
  (signed links: format, HMAC, keys);
- readers: history/ (a pure read: what closed, does a request repeat), tasktoken, target,
  connection and configfile (environment configuration and flags), files;
- words: lines/ (every line and JSON text printed, the exit codes, standard output),
  page/ (the pages, copies of the project's page/);
- ground: model (the data types), identity, text, times, tasktokenpb.

temporalio is imported only where a request is sent (send, history, pending, verbs'
serve_backend and serve_links, and inside the functions of connection, configfile and the
verbs), so `--help` and `inspect` start without it; aiohttp only by serve.
"""
