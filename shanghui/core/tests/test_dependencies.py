"""Dependencies between the apps run one way.

base (core, accounts, audit) ← imports (the import framework) ← orgs ← directory ← feature apps (party,
activities, servicedesk, honors, community, library,
notices; peers that never import each other) ← reports ← api, demo.
The project modules (settings, urls, wsgi, cli, testing, conftest, browser) sit on top and may import anything;
no app imports them. An upward need is a hook or a signal, never an import.

The tests walk the package: every Python import (module-level or inside a function, relative imports resolved,
plus `apps.get_model` and `import_module` with a literal name) and every template's `{% load %}`,
`{% include %}` and `{% extends %}`. Tests and migrations are left out.
"""

import ast
import re
from pathlib import Path

from django.conf import settings

PACKAGE = Path(__file__).resolve().parents[2]

LAYERS = {
    "core": 0, "accounts": 0, "audit": 0,
    "messaging": 1,
    "imports": 1,
    "orgs": 2,
    "directory": 3,
    "party": 4, "activities": 4, "servicedesk": 4, "honors": 4, "community": 4, "library": 4,
    "notices": 4,
    "reports": 5,
    "api": 6, "demo": 6,
}
PROJECT = {"settings", "settings_production", "urls", "wsgi", "cli", "testing", "conftest", "browser"}
# The project's own template directory (base.html, the shared list and form layouts) is the base layout.
PROJECT_TEMPLATES = "core"

def allowed(source: str, target: str) -> bool:
    if target in PROJECT:
        return source in PROJECT
    if source in PROJECT or target not in LAYERS or source == target:
        return True
    if LAYERS[target] == LAYERS[source]:
        return LAYERS[source] == 0
    return LAYERS[target] < LAYERS[source]


def python_files():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield path, parts


def owner(parts: tuple[str, ...]) -> str:
    return parts[0].removesuffix(".py")


def imported_modules(path: Path, parts: tuple[str, ...]):
    """(line, dotted module) for every shanghui module the file names."""
    package = ["shanghui", *parts[:-1]]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module == "shanghui":
                for alias in node.names:
                    yield node.lineno, f"shanghui.{alias.name}"
            else:
                yield node.lineno, module
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            literal = node.args[0].value
            if not isinstance(literal, str):
                continue
            if name == "get_model":
                yield node.lineno, f"shanghui.{literal.split('.')[0]}.models"
            elif name == "import_module":
                yield node.lineno, literal


def import_violations() -> list[str]:
    """Every import against the layers."""
    found = []
    for path, parts in python_files():
        source = owner(parts)
        relative = "shanghui/" + "/".join(parts)
        for line, module in imported_modules(path, parts):
            pieces = module.split(".")
            if pieces[0] != "shanghui" or len(pieces) < 2:
                continue
            target = pieces[1]
            if allowed(source, target):
                continue
            found.append(f"{relative}:{line} ({source}) imports {module} ({target})")
    return found


TAG = re.compile(r"{%-?\s*(load|include|extends)\s+(.+?)\s*-?%}")


def template_dirs():
    """(owning app, templates directory) in the order Django's loaders search them."""
    yield PROJECT_TEMPLATES, PACKAGE / "templates"
    for app in settings.INSTALLED_APPS:
        if app.startswith("shanghui."):
            yield app.removeprefix("shanghui."), PACKAGE / app.removeprefix("shanghui.") / "templates"


def template_owners() -> dict[str, str]:
    owners: dict[str, str] = {}
    for app, directory in template_dirs():
        for path in directory.rglob("*"):
            if path.is_file():
                owners.setdefault(path.relative_to(directory).as_posix(), app)
    return owners


def library_owners() -> dict[str, str]:
    return {path.stem: path.parent.parent.name for path in PACKAGE.glob("*/templatetags/*.py")
            if path.stem != "__init__"}


def template_violations() -> list[str]:
    templates, libraries = template_owners(), library_owners()
    found = []
    for app, directory in template_dirs():
        for path in sorted(directory.rglob("*")):
            if not path.is_file() or path.suffix not in {".html", ".txt", ".xml", ".md"}:
                continue
            where = path.relative_to(PACKAGE).as_posix()
            for match in TAG.finditer(path.read_text()):
                tag, argument = match.groups()
                if tag == "load":
                    names = argument.split(" from ")[-1].split() if " from " in argument else argument.split()
                    targets = [(name, libraries.get(name)) for name in names]
                else:
                    literal = re.match(r"""["']([^"']+)["']""", argument)
                    targets = [(literal.group(1), templates.get(literal.group(1)))] if literal else []
                for name, target in targets:
                    if target is not None and not allowed(app, target):
                        found.append(f"{where} ({app}) {tag}s {name} ({target})")
    return found


def test_python_imports_run_down_the_layers():
    found = import_violations()
    assert not found, "imports against the layers:\n" + "\n".join(found)


def test_templates_load_and_include_only_their_own_app_or_lower():
    found = template_violations()
    assert not found, "templates against the layers:\n" + "\n".join(found)


def test_the_walk_sees_imports_and_templates():
    """The walks find the package's files, so an empty list of violations means something."""
    assert sum(1 for _ in python_files()) > 100
    assert "base.html" in template_owners()
    assert library_owners()["shanghui_ui"] == "core"
    assert not allowed("directory", "party") and not allowed("party", "activities") and allowed("party", "orgs")
