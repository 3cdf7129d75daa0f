"""The command line's grammar: Go's `flag` rules, which the Go completer gets from its
standard library, taught to click.

The Go completer implements the same page, and the parity tests compare the two programs'
output line by line. So the arguments are read the way Go's `flag` package reads them
(single-dash long options, options stop at the first positional argument) before click sees
them, and click's own error messages never reach the user.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click

from async_completer import lines
from async_completer.lines.errors import UsageFailure

HELP_NAMES = ("h", "help")
# strconv.ParseBool, which Go's flag package uses for `-retryable=VALUE`.
_GO_BOOLS = {
    **dict.fromkeys(("1", "t", "T", "TRUE", "true", "True"), True),
    **dict.fromkeys(("0", "f", "F", "FALSE", "false", "False"), False),
}

DEFAULT_CONCURRENCY = "64"
MAX_CONCURRENCY = 1000
DEFAULT_PAGE_SIZE = "1000"
MAX_PAGE_SIZE = 1000


def go_style_args(command: click.Command, args: Sequence[str]) -> list[str]:
    """Reads args the way Go's flag package does and returns them in a form click parses
    without surprises: each option as `--name VALUE`, then `--` and the positional rest.

    As in Go: `-name` equals `--name`; `--name=VALUE` and `--name VALUE` are the same; a value
    is taken as is even when it starts with a dash; parsing stops at the first argument that
    is not an option (or after `--`); `-h`/`-help` ask for help wherever they come; a switch
    (--retryable) takes no separate value but accepts `--retryable=true|false` (Go's
    strconv.ParseBool spellings). Errors come in command-line order, with the contract's
    words."""
    options: dict[str, click.Option] = {
        opt.lstrip("-"): param
        for param in command.params
        if isinstance(param, click.Option)
        for opt in param.opts
    }
    normalized: list[str] = []
    flags: dict[str, bool] = {}
    rest: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            rest = list(args[index + 1 :])
            break
        if len(arg) < 2 or arg[0] != "-":
            rest = list(args[index:])
            break
        body = arg[2:] if arg.startswith("--") else arg[1:]
        name, has_value, value = body.partition("=")
        if not name or name[0] in "-=":
            # Go's "bad flag syntax" (---x, --=x): named as the Go completer names it, by
            # the text before any `=` without its dashes.
            raise UsageFailure(lines.unknown_option(arg.partition("=")[0].lstrip("-")))
        if name in HELP_NAMES and name not in options:
            return ["--help"]
        option = options.get(name)
        if option is None:
            raise UsageFailure(lines.unknown_option(name))
        if option.is_flag:
            if has_value and value not in _GO_BOOLS:
                raise UsageFailure(lines.takes_no_value(name))
            flags[option.opts[0]] = _GO_BOOLS[value] if has_value else True
        else:
            if not has_value:
                if index + 1 >= len(args):
                    raise UsageFailure(lines.needs_value(name))
                index += 1
                value = args[index]
            normalized += [f"--{name}", value]
        index += 1
    normalized += [flag for flag, on in flags.items() if on]
    if rest:
        normalized += ["--", *rest]
    return normalized


class VerbCommand(click.Command):
    """One verb. Extra positional arguments land in ctx.args and are refused by the
    verb, first, with reject_extra_args."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["context_settings"] = {
            **kwargs.get("context_settings", {}),
            "allow_extra_args": True,
            "allow_interspersed_args": False,
        }
        super().__init__(*args, **kwargs)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, go_style_args(self, args))


class VerbGroup(click.Group):
    """Picks the verb: none given means complete, the exercise's own form
    (`python-completer --tasktoken HEX [--result TEXT]`)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args:
            raise UsageFailure(lines.NO_ACTIVITY)
        first = args[0]
        if first.startswith("-"):
            name = first.lstrip("-").partition("=")[0]
            if name in HELP_NAMES and len(first) - len(first.lstrip("-")) <= 2:
                return super().parse_args(ctx, ["--help"])
            args = ["complete", *args]
        elif first not in self.commands:
            raise UsageFailure(lines.unknown_command(first))
        return super().parse_args(ctx, args)


def reject_extra_args(ctx: click.Context) -> None:
    """A positional argument after the verb: Go's flag package stopped there."""
    if ctx.args:
        raise UsageFailure(lines.unexpected_argument(ctx.args[0]))


def _whole_number(text: str, maximum: int) -> int | None:
    """ASCII digits only (no sign, no spaces), from 1 to maximum; else None."""
    if text.isascii() and text.isdigit() and 1 <= int(text) <= maximum:
        return int(text)
    return None


def parse_concurrency(text: str) -> int:
    value = _whole_number(text, MAX_CONCURRENCY)
    if value is None:
        raise UsageFailure(lines.bad_concurrency(text, MAX_CONCURRENCY))
    return value


def parse_page_size(text: str) -> int:
    value = _whole_number(text, MAX_PAGE_SIZE)
    if value is None:
        raise UsageFailure(lines.bad_page_size(text, MAX_PAGE_SIZE))
    return value
