"""The package's layout is its architecture: each subpackage imports only the layers below it,
and only the UI imports Streamlit. Read from the code itself (every import statement), so a
module that reaches across the layers fails here."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "insights"

# What each part may import of the product (besides itself). Definitions (metrics, objectives,
# the way a figure is written) are the one part of figures/ the layers below it may read.
DEFINITIONS = {
    "figures.metrics",
    "figures.objectives",
    "figures.formatting",
    "figures.money",
    "figures.periods",
}
ALLOWED: dict[str, set[str]] = {
    "api": {"errors"},
    "store": {"errors"} | DEFINITIONS,
    "figures": {"errors", "store"},
    "render": {"errors", "figures"},
    "ingest": {"errors", "settings", "api", "store", "demo"} | DEFINITIONS,
    "csv_import": {"errors", "store", "ingest"},
    "demo": {"errors", "api", "store"} | DEFINITIONS,
    "ui": {"errors", "settings", "store", "figures", "render", "ingest", "csv_import"},
}


def _imports(path: Path) -> set[str]:
    """Every module a file imports, as dotted names (`from a import b` gives a and a.b)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _part(path: Path) -> str:
    inside = path.relative_to(PACKAGE).parts
    return inside[0] if len(inside) > 1 else "(top)"


def _breaches(part: str, imported: set[str]) -> set[str]:
    """The product's modules in `imported` that `part` may not import."""
    allowed = ALLOWED[part] | {part}
    out = set()
    for name in imported:
        inner = name.removeprefix("insights.").split(".")
        if not name.startswith("insights.") or not (
            (PACKAGE / inner[0]).is_dir() or (PACKAGE / f"{inner[0]}.py").is_file()
        ):
            continue  # not a module of the product (or a name imported from one)
        if inner[0] in allowed or ".".join(inner[:2]) in allowed:
            continue
        if len(inner) == 1 and any(a.startswith(f"{inner[0]}.") for a in allowed):
            continue  # `from insights.figures import metrics`: the package, for an allowed module
        out.add(name)
    return out


def test_every_module_sits_in_a_part_of_the_layout():
    parts = {_part(p) for p in PACKAGE.rglob("*.py")}
    assert parts - {"(top)"} == set(ALLOWED), "a new subpackage needs its place in ALLOWED"
    top = {p.name for p in PACKAGE.glob("*.py")}
    assert top == {
        "__init__.py",
        "__main__.py",
        "cli.py",
        "commands.py",
        "settings.py",
        "errors.py",
    }


def test_each_part_imports_only_the_layers_it_stands_on():
    breaches = {}
    for path in PACKAGE.rglob("*.py"):
        part = _part(path)
        if part == "(top)":
            continue
        found = _breaches(part, _imports(path))
        if found:
            breaches[str(path.relative_to(PACKAGE))] = sorted(found)
    assert not breaches, breaches


def test_only_the_ui_imports_streamlit():
    outside = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if _part(path) != "ui" and any(n.split(".")[0] == "streamlit" for n in _imports(path))
    ]
    assert outside == []
    assert any("streamlit" in _imports(p) for p in (PACKAGE / "ui").glob("*.py"))


def test_the_check_catches_a_module_that_reaches_across_the_layers():
    # the rule must be able to fail: a chart reading the store, the client reading the UI
    assert _breaches("render", {"insights.store.queries"}) == {"insights.store.queries"}
    assert _breaches("api", {"insights.ui.context"}) == {"insights.ui.context"}
    assert _breaches("store", {"insights.figures.metrics"}) == set()
    assert _breaches("store", {"insights.figures.overview"}) == {"insights.figures.overview"}


def _module_graph() -> dict[str, set[str]]:
    """Each module of the product -> the modules of the product it imports (a name imported
    from a package counts as its module when it is one)."""
    modules = {
        ".".join(("insights", *p.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(
            ".__init__"
        ): p
        for p in PACKAGE.rglob("*.py")
    }
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found = set()
        for imported in _imports(path):
            while imported and imported not in modules:
                imported = imported.rpartition(".")[0]
            if imported and imported != name and imported != "insights":
                found.add(imported)
        graph[name] = found
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_two_modules_import_each_other():
    # a circle (a imports b imports a) means neither can be read, tested or moved alone
    assert _cycle(_module_graph()) is None
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
