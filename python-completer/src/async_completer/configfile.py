"""Temporal's environment configuration, loaded by the SDK, and when the SDK cannot load it,
what is wrong in the words of docs/completer-cli.md: a profile that is not there, a file
that cannot be read, a file that is not valid.

The SDK's loader stays the one that produces the configuration; the file is read here only
after it failed, to tell the cases apart (its own messages are the Rust core's, and differ
from the Go SDK's).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from typing import Any

from async_completer import lines
from async_completer.lines.errors import CompleterError, UsageFailure
from async_completer.text import one_line, os_reason


def config_file_path(environ: Mapping[str, str]) -> str:
    """The file the SDKs read: TEMPORAL_CONFIG_FILE, else temporalio/temporal.toml in the
    user's configuration folder. An empty or relative XDG_CONFIG_HOME is passed over, as the
    SDK's Rust core (the `dirs` crate) does."""
    explicit = environ.get("TEMPORAL_CONFIG_FILE")
    if explicit:
        return explicit
    folder = environ.get("XDG_CONFIG_HOME", "")
    if not os.path.isabs(folder):
        folder = os.path.join(environ.get("HOME", ""), ".config")
    return os.path.join(folder, "temporalio", "temporal.toml")


def load_connect_config() -> dict[str, Any]:
    """Client.connect's arguments from TEMPORAL_* variables and the configuration file."""
    from temporalio.envconfig import ClientConfig

    try:
        return dict(ClientConfig.load_client_connect_config())
    except Exception as err:
        raise failure_of(err, os.environ) from err


def failure_of(err: Exception, environ: Mapping[str, str]) -> CompleterError:
    """The contract's line for a configuration the SDK could not load."""
    path = config_file_path(environ)
    try:
        with open(path, "rb") as file:
            data: bytes | None = file.read()
    except (FileNotFoundError, NotADirectoryError):
        data = None  # no file is no error, unless a profile was asked for
    except (OSError, ValueError) as read_error:
        return UsageFailure(lines.cannot_read_config(path, os_reason(read_error)))
    if data is not None and not _is_toml(data):
        return UsageFailure(lines.config_invalid(path))
    message = str(err)
    profile = environ.get("TEMPORAL_PROFILE", "")
    if profile and message.startswith("Profile ") and message.endswith("not found"):
        return UsageFailure(lines.profile_not_found(profile, path))
    if data is not None and message.startswith("Configuration loading error"):
        # Valid TOML that the SDK refuses: a value of the wrong type (`address = 5`).
        return UsageFailure(lines.config_invalid(path))
    return CompleterError(lines.config_failed(one_line(message) or type(err).__name__))


def _is_toml(data: bytes) -> bool:
    try:
        tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return True
