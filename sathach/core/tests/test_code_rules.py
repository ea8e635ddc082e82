"""The code stays easy to carry: no module past 600 lines, no circle among the modules' own
imports (an import inside a function, made to break one, is not counted), and `core` imports
no app at all, not even inside a function: what the apps share lies below them."""

from __future__ import annotations

import ast
from pathlib import Path

from django.test import SimpleTestCase

PACKAGE = Path(__file__).resolve().parents[2]
MAX_LINES = 600


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts).removesuffix(".__init__")
        found[name] = path
    return found


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.parse(path.read_text("utf-8")).body:
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sathach."):
            names.add(str(node.module))
        elif isinstance(node, ast.Import):
            names |= {a.name for a in node.names if a.name.startswith("sathach.")}
    return names


class CodeRulesTests(SimpleTestCase):
    def test_no_module_is_longer_than_600_lines(self) -> None:
        long = {
            str(path.relative_to(PACKAGE.parent)): count
            for path in _modules().values()
            if "tests" not in path.parts
            and (count := len(path.read_text("utf-8").splitlines())) > MAX_LINES
        }
        self.assertEqual(long, {}, "split these by responsibility")

    def test_no_circle_among_module_level_imports(self) -> None:
        modules = _modules()
        graph = {name: _imports(path) & modules.keys() for name, path in modules.items()}
        state: dict[str, int] = {}  # 1: on the current path, 2: done
        circles: list[list[str]] = []

        def visit(name: str, trail: list[str]) -> None:
            state[name] = 1
            for target in sorted(graph[name]):
                if state.get(target) == 1:
                    circles.append([*trail[trail.index(target) :], target])
                elif target not in state:
                    visit(target, [*trail, target])
            state[name] = 2

        for name in sorted(graph):
            if name not in state:
                visit(name, [name])
        self.assertEqual(circles, [])

    def test_core_imports_no_app(self) -> None:
        core = PACKAGE / "core"
        apps = {
            path.parent.name for path in PACKAGE.glob("*/apps.py") if path.parent.name != "core"
        }
        found = []
        for path in core.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                names = []
                if isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                elif isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                for name in names:
                    parts = name.split(".")
                    if parts[0] == "sathach" and len(parts) > 1 and parts[1] in apps:
                        found.append(f"{path.relative_to(PACKAGE.parent)}: {name}")
        self.assertEqual(found, [], "move what core needs down into core, or turn it around")
