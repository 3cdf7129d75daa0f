"""Sending one job (complete, fail, heartbeat, cancel) and deciding its answer: verbs.py is
the one verb table, send.py sends, refusal.py answers a refusal "not pending any more",
errors.py turns what the SDK raised into the contract's failure, limits.py checks a payload's
size (Go: internal/send).

The modules of this package import temporalio at the top: the verbs import them only when a
request is to be sent, so `--help` and `inspect` start fast and work without a server.
"""
