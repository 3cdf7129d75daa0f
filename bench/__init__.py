"""`make bench`: measures the completers against a dev server and Worker of its own.

Entry point: bench/run.py (see its --help). The modules: procs (the processes it starts and
reads), prepare (pending Activities, fast), measure (the three measurements), report
(Markdown, targets, JSON), chart (the PNG).
"""
