"""Every line the completer prints, and the JSON it writes: the words of
docs/completer-cli.md, in one place, byte for byte the Go completer's (internal/lines, whose
files these modules mirror).

Nothing else in the package composes what a user reads: the other modules call
`lines.<name>` with the facts (a path, a count, the server's message) and print or raise
what it returns. A failure's text comes without its `error: ` prefix, which error_line()
adds, because a batch's JSON lines carry the same text without it.
"""

from async_completer.lines.asked import *  # noqa: F403
from async_completer.lines.batch import *  # noqa: F403
from async_completer.lines.cells import *  # noqa: F403
from async_completer.lines.connection import *  # noqa: F403
from async_completer.lines.history import *  # noqa: F403
from async_completer.lines.identity import *  # noqa: F403
from async_completer.lines.inspect import *  # noqa: F403
from async_completer.lines.link import *  # noqa: F403
from async_completer.lines.listfailures import *  # noqa: F403
from async_completer.lines.listing import *  # noqa: F403
from async_completer.lines.request import *  # noqa: F403
from async_completer.lines.serve import *  # noqa: F403
from async_completer.lines.telemetry import *  # noqa: F403
from async_completer.lines.usage import *  # noqa: F403
