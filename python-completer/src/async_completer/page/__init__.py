"""The pages `serve` answers with: the approval page of GET / (index.html), and the pages of
a signed link (link.html, filled per answer), byte copies of the project's page/ (their one
source, which the Go completer embeds too). `make generate` copies them here; `make
checkgenerate` fails when a copy is stale."""

from __future__ import annotations

from importlib.resources import files


def page() -> bytes:
    """The page's bytes, as the package holds them."""
    return files(__name__).joinpath("index.html").read_bytes()


def link_template() -> str:
    """The signed-link pages' template: each {{NAME}} is replaced by its value."""
    return files(__name__).joinpath("link.html").read_bytes().decode("utf-8")
