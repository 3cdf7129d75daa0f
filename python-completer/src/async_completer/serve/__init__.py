"""`serve`: the completer as an HTTP service (docs/completer-http.md), the same contract as the
Go completer's internal/serve.

- listen: --listen HOST:PORT, the URL printed, the Host names of a loopback listener, TLS;
- auth: the credentials file and the Authorization header;
- app: make_app(client, ...), the routes and the checks every request passes, in the page's
  order; the handlers parse a job as a batch line is parsed (jobs.py), send it as a batch
  sends it (send.py) and answer its outcome line (lines/);
- connection: the limits aiohttp has no setting for (the time to send the headers, and a
  whole request), and the one log line per request;
- run: connecting lazily, listening, the `Serving on` line, and the graceful stop.

Only run and app import aiohttp and temporalio: verbs/serve.py checks the command line with
listen and auth before it imports them.
"""
