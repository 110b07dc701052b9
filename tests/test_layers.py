"""The house's floors: no module imports from a floor above its own."""
import ast

from tests.conftest import ROOT

LAYERS = ("etl", "indicators", "charts", "maps", "export", "dashboard", "app_pages")


def _imports(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_no_import_points_upward():
    """etl -> indicators -> charts -> maps -> export -> dashboard -> pages: a module imports only
    from its own floor or the floors below (function-level imports included)."""
    upward = []
    for floor, package in enumerate(LAYERS):
        for path in (ROOT / package).rglob("*.py"):
            above = _imports(path) & set(LAYERS[floor + 1:])
            upward += [f"{path.relative_to(ROOT)} imports {name}" for name in sorted(above)]
    assert upward == []
