"""Holds the code to the rules of docs/architecture.md: no import cycle, no import from a higher
layer, no source file over 300 lines. Prints one line per violation on standard error, naming
the files, and exits 1 when there is any; 0 when the tree keeps every rule.

    python scripts/check_structure.py [--root DIR]
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path

MAX_LINES = 300

# The layer table of docs/architecture.md, 1 on top. A module may import its own layer and the
# ones below it, never one above. The key is the first name under the package (Python) or under
# internal/ (Go); Go's main package is "main".
PYTHON_LAYERS = {
    # args: the argument grammar, whose Go twin is cli/args.go (the entry layer)
    **dict.fromkeys(("cli", "__main__", "verbs", "args", "durations"), 1),
    "serve": 2,
    **dict.fromkeys(("send", "batch", "pending", "links"), 3),
    **dict.fromkeys(("history", "tasktoken", "target", "connection", "configfile"), 4),
    **dict.fromkeys(("files", "telemetry"), 4),
    **dict.fromkeys(("lines", "page"), 5),
    **dict.fromkeys(("__init__", "model", "identity", "text", "times", "tasktokenpb"), 6),
}
GO_LAYERS = {
    **dict.fromkeys(("main", "cli"), 1),
    "serve": 2,
    **dict.fromkeys(("send", "batch", "pending", "links"), 3),
    **dict.fromkeys(("history", "tasktoken", "temporalconn", "telemetry"), 4),
    **dict.fromkeys(("lines", "page"), 5),
    **dict.fromkeys(("model", "identity", "jsontext", "tasktokenpb"), 6),
}
LAYER_NAMES = {1: "entry", 2: "http", 3: "actions", 4: "readers", 5: "words", 6: "ground"}
# The layered Python package; the Worker and the bench are only checked for cycles.
LAYERED_PACKAGE = "async_completer"
PYTHON_TREES = ("python-completer/src", "python-worker/src", ".")
BENCH = "bench"
GO_MODULE_DIR = "go-completer"


# Python ------------------------------------------------------------------------------


def python_modules(root: Path) -> dict[str, Path]:
    """Dotted module name -> file, for the completer, the Worker and bench/."""
    found: dict[str, Path] = {}
    for tree in PYTHON_TREES:
        base = root / tree
        files = (base / BENCH).rglob("*.py") if tree == "." else base.rglob("*.py")
        for path in files:
            parts = list(path.relative_to(base).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            if parts:
                found[".".join(parts)] = path
    return found


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def imported_names(module: str, path: Path, modules: dict[str, Path]) -> Iterator[str]:
    """Every project module an import statement anywhere in the file names (functions and
    TYPE_CHECKING blocks included: a lazy import is still a dependency)."""
    tree = ast.parse(path.read_text(), str(path))
    package = module if _is_package(path) else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".") if package else []
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                # from PACKAGE import MODULE names the module; from MODULE import NAME the module
                full = f"{base}.{alias.name}"
                yield full if full in modules else base


def python_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for target in imported_names(name, path, modules):
            # The deepest project module the name reaches (import a.b.c: a.b.c, or a.b).
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                graph[name].add(target)
    return graph


def python_layer(module: str) -> tuple[str, int | None] | None:
    """(room, layer) of a module of the layered package, None for other modules."""
    parts = module.split(".")
    if parts[0] != LAYERED_PACKAGE:
        return None
    room = parts[1] if len(parts) > 1 else "__init__"
    return room, PYTHON_LAYERS.get(room)


# Go ----------------------------------------------------------------------------------

_IMPORT_BLOCK = re.compile(r"^import\s*\((.*?)^\)", re.S | re.M)
_IMPORT_LINE = re.compile(r'^import\s+(?:[\w.]+\s+)?"([^"]+)"', re.M)
_QUOTED = re.compile(r'"([^"]+)"')


def go_imports(text: str) -> list[str]:
    found = _IMPORT_LINE.findall(text)
    for block in _IMPORT_BLOCK.findall(text):
        found += [m for line in block.splitlines() for m in _QUOTED.findall(line.split("//")[0])]
    return found


def go_packages(root: Path) -> tuple[dict[str, list[Path]], dict[str, set[str]]]:
    """Package (its directory under the module, "." for main) -> files, and -> imported
    project packages, from the import blocks of the non-test files."""
    base = root / GO_MODULE_DIR
    mod = base / "go.mod"
    if not mod.exists():
        return {}, {}
    match = re.search(r"^module\s+(\S+)", mod.read_text(), re.M)
    module = match.group(1) if match else ""
    files: dict[str, list[Path]] = {}
    graph: dict[str, set[str]] = {}
    for path in sorted(base.rglob("*.go")):
        if path.name.endswith("_test.go"):
            continue
        package = path.parent.relative_to(base).as_posix()
        files.setdefault(package, []).append(path)
        edges = graph.setdefault(package, set())
        for imported in go_imports(path.read_text()):
            if imported.startswith(module + "/"):
                edges.add(imported.removeprefix(module + "/"))
    return files, graph


def importer_of(path: Path, package: str) -> bool:
    return any(i.endswith("/" + package) for i in go_imports(path.read_text()))


def go_room(package: str) -> str:
    parts = package.split("/")
    if package == ".":
        return "main"
    return parts[1] if parts[0] == "internal" and len(parts) > 1 else parts[0]


# The rules ---------------------------------------------------------------------------


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """For every module on a cycle, the shortest cycle through it; each cycle once."""
    found: dict[frozenset[str], list[str]] = {}
    for start in sorted(graph):
        came: dict[str, str] = {}
        queue = deque([start])
        while queue:  # breadth first: the first way back to start is the shortest
            node = queue.popleft()
            if start in graph[node]:
                path = [node]
                while path[-1] != start:
                    path.append(came[path[-1]])
                cycle = path[::-1]
                found.setdefault(frozenset(cycle), cycle)
                break
            for nxt in sorted(graph[node]):
                if nxt in graph and nxt not in came and nxt != start:
                    came[nxt] = node
                    queue.append(nxt)
    return list(found.values())


def upward(
    graph: dict[str, set[str]], room_of: dict[str, tuple[str, int | None]]
) -> Iterator[tuple[str, str, str]]:
    """(importer, imported, why) for every import from a higher layer or of a room the
    table does not name."""
    for importer in sorted(graph):
        if importer not in room_of:
            continue
        room, layer = room_of[importer]
        if layer is None:
            yield importer, importer, f"{room!r} is in no layer of docs/architecture.md"
            continue
        for imported in sorted(graph[importer]):
            if imported not in room_of or room_of[imported][1] is None:
                continue
            other, other_layer = room_of[imported]
            if other_layer is not None and other_layer < layer:
                yield (
                    importer,
                    imported,
                    f"layer {layer} {LAYER_NAMES[layer]} imports layer {other_layer} "
                    f"{LAYER_NAMES[other_layer]} ({other})",
                )


def source_files(root: Path) -> Iterable[Path]:
    for tree, patterns in (
        ("python-completer/src", ("*.py",)),
        ("python-worker/src", ("*.py",)),
        (BENCH, ("*.py",)),
        ("scripts", ("*.py", "*.sh")),
        (GO_MODULE_DIR, ("*.go",)),
    ):
        for pattern in patterns:
            yield from sorted((root / tree).rglob(pattern))


def generated_or_test(path: Path) -> bool:
    name = path.name
    return (
        name.endswith("_test.go")
        or name.endswith(".pb.go")
        or "_pb2" in name
        or name.startswith("test_")
        or name == "conftest.py"
        or "tests" in path.parts
    )


def violations(root: Path) -> list[str]:
    found: list[str] = []

    def rel(path: Path) -> str:
        return path.relative_to(root).as_posix()

    modules = python_modules(root)
    graph = python_graph(modules)
    for cycle in cycles(graph):
        files = " -> ".join(rel(modules[m]) for m in [*cycle, cycle[0]])
        found.append(f"import cycle: {files}")
    rooms = {m: r for m in modules if (r := python_layer(m)) is not None}
    for importer, imported, why in upward(graph, rooms):
        if importer == imported:
            found.append(f"{rel(modules[importer])}: {why}")
        else:
            found.append(f"{rel(modules[importer])} imports {rel(modules[imported])}: {why}")

    go_files, go_graph = go_packages(root)
    for cycle in cycles(go_graph):
        names = " -> ".join(f"{GO_MODULE_DIR}/{p}" for p in [*cycle, cycle[0]])
        found.append(f"import cycle: {names}")
    go_rooms = {p: (go_room(p), GO_LAYERS.get(go_room(p))) for p in go_files}
    for importer, imported, why in upward(go_graph, go_rooms):
        if importer == imported:
            found.append(f"{GO_MODULE_DIR}/{importer}: {why}")
            continue
        # The file that holds the import, so the line names both ends.
        holders = [p for p in go_files[importer] if importer_of(p, imported)]
        holder = holders[0] if holders else go_files[importer][0]
        found.append(f"{rel(holder)} imports {GO_MODULE_DIR}/{imported}: {why}")

    for path in source_files(root):
        if generated_or_test(path):
            continue
        lines = len(path.read_text(errors="replace").splitlines())
        if lines > MAX_LINES:
            found.append(f"{rel(path)}: {lines} lines, over {MAX_LINES}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--root",
        type=Path,
        default=Path(__file__).resolve().parent.parent,
        help="the project's top directory (default: the one this script is in)",
    )
    args = parser.parse_args(argv)
    root: Path = args.root.resolve()
    if not root.is_dir():
        print(f"error: {args.root} is not a directory", file=sys.stderr)
        return 2
    found = violations(root)
    for line in found:
        print(f"error: {line}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
