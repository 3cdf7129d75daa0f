"""Text as both completers see it: Go's white space, messages folded onto one line, and an
operating system's reason in the words Go prints for it."""

from __future__ import annotations

import re

# The white space of Go's unicode.IsSpace (strings.TrimSpace, strings.Fields). Python's own
# idea of white space also takes \x1c-\x1f; the two completers must agree on it.
GO_WHITE_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000"
)
_GO_WHITE_SPACE_RUN = re.compile(f"[{GO_WHITE_SPACE}]+")


def one_line(text: str) -> str:
    """Messages from elsewhere (the server, the SDK) may span lines; the contract prints one.
    Every run of white space becomes one space, as Go's strings.Fields does."""
    return " ".join(part for part in _GO_WHITE_SPACE_RUN.split(text) if part)


def os_reason(err: BaseException) -> str:
    """The operating system's words for why a file could not be used, without the path.
    Go's syscall error texts are the C library's with the first letter in lower case ("no
    such file or directory"), so the two completers print the same line."""
    if isinstance(err, OSError) and err.strerror:
        reason = err.strerror
    elif isinstance(err, ValueError):
        # A path with a NUL character: the system call refuses it with EINVAL in Go.
        reason = "invalid argument"
    else:
        reason = str(err) or type(err).__name__
    return one_line(reason[:1].lower() + reason[1:])
