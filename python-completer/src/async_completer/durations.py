"""--rpc-timeout values: a decimal number of milliseconds, seconds or minutes (500ms, 10s,
1m, 1.5s), or a bare number of seconds. Exactly the grammar the Go completer accepts, so a
value one program takes the other takes too.
"""

from __future__ import annotations

import math
import re

from async_completer import lines
from async_completer.lines.errors import UsageFailure

DEFAULT_RPC_TIMEOUT = "10s"

_RPC_TIMEOUT = re.compile(r"([0-9]+(?:\.[0-9]+)?)(ms|s|m)?")
_NANOSECONDS = {"ms": 1e6, "s": 1e9, "m": 60e9, None: 1e9}
# Go's time.Duration is an int64 count of nanoseconds.
_MAX_NANOSECONDS = float(2**63 - 1)


def parse_rpc_timeout(text: str) -> float:
    """Seconds, at least one nanosecond. Raises UsageFailure echoing the text as given."""
    match = _RPC_TIMEOUT.fullmatch(text)
    if match is not None:
        number, unit = match.groups()
        # float64 arithmetic and math.Round (half away from zero), as the Go completer.
        nanoseconds = float(number) * _NANOSECONDS[unit]
        whole = math.floor(nanoseconds)
        nanoseconds = whole + 1 if nanoseconds - whole >= 0.5 else whole
        if 1 <= nanoseconds < _MAX_NANOSECONDS:
            return nanoseconds / 1e9
    raise UsageFailure(lines.bad_rpc_timeout(text))
