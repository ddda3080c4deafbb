"""The one direction of imports that docs/architecture.md draws holds in the code."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Each app may import the apps before it in this line, privacy and the kernel.
LINE = ["accounts", "listings", "messaging", "contracts", "campaigns"]
APPS = [*LINE, "privacy", "kaguaruoo"]
ALLOWED = {app: set(LINE[:i]) | {"privacy", "kaguaruoo"} for i, app in enumerate(LINE)}
ALLOWED["privacy"] = {"kaguaruoo"}
# The kernel imports no app, except the project's own wiring that names them all.
ALLOWED["kaguaruoo"] = set()
WIRING = {
    "kaguaruoo/urls.py",
    "kaguaruoo/settings.py",
    "kaguaruoo/management/commands/load_demo.py",
}


def imports_of(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_every_app_imports_only_the_apps_to_its_left_privacy_and_the_kernel():
    wrong = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if "migrations" in path.parts or relative in WIRING:
                continue
            for imported in imports_of(path) & set(APPS) - {app} - ALLOWED[app]:
                wrong.append(f"{relative} imports {imported}")
    assert wrong == []
