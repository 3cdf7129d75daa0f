"""`serve`: the completer as an HTTP service (docs/completer-http.md), the same contract as the
Go completer's internal/serve. HTTP only: Temporal is reached through one Backend.

- backend: the Backend interface, and the request and answer types it takes and gives;
- routes: make_app(backend, settings), the route table, and the checks every request passes
  (route and method, credential, Host);
- handlers: the job routes, /v1/pending, /v1/identity, /healthz and the approval page;
- links: the signed links' routes (GET shows, POST acts) and their page;
- answer: status codes and answer bodies;
- credentials: the credentials file and the Authorization header;
- listen: --listen HOST:PORT, the URL printed, the Host names of a loopback listener, TLS;
- server: each connection's limits, listening, and the graceful stop;
- log: the one log line per request.

The Backend over Temporal is wiring: verbs/serve_backend.py and verbs/serve_links.py.
Only credentials and listen are free of aiohttp: verbs/serve.py checks the command line with
them before it imports the rest.
"""
