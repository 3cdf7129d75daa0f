"""Batches (`--batch FILE`): read.py reads and checks the job lines (a serve body is one
such job), run.py sends them with bounded concurrency, output.py writes one JSON line per
job as each finishes. Go: internal/batch.

Importing this package imports nothing of temporalio: run.py imports the sender only once
there is something to send.
"""
