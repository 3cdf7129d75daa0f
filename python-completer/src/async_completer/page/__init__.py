"""The approval page that `serve` answers GET / with: index.html, a byte copy of the
project's page/index.html (its one source, which the Go completer embeds too). `make
generate` copies it here; `make checkgenerate` fails when the copy is stale."""

from __future__ import annotations

from importlib.resources import files


def page() -> bytes:
    """The page's bytes, as the package holds them."""
    return files(__name__).joinpath("index.html").read_bytes()
