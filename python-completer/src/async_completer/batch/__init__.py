"""Batches (`--batch FILE`): read.py reads and checks the job lines (a serve body is one
such job), run.py sends them with bounded concurrency, output.py writes one JSON line per
job as each finishes. Go: internal/batch. The verb's --batch mode, which connects and hands
run.py the sender, is verbs/batch.py.

Nothing in this package imports temporalio at the top.
"""
