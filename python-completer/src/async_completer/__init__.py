"""The Python completer: finishes a Temporal Activity from its task token, outside the Worker.

Modules: cli (the click program), target and tasktoken (what the user named, checked
offline), durations (--rpc-timeout), connection (where requests go), files (--result-file
and --batch FILE), batch (the batch's lines, its JSON output and its workers), operations
(the Temporal requests; the only module that imports temporalio), errors (the one-line
failures and their exit codes).
"""
