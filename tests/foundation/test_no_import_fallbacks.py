"""No "that app may be absent" fallbacks: every app is always installed, so a failed import is a bug to see, not
to swallow (an `except ImportError: return 0` once hid notifications that were never sent). The layers are held
by import-linter (`lint-imports`), which `import_module` would dodge."""

from __future__ import annotations

import ast
from pathlib import Path

import taizhang

SRC = Path(taizhang.__file__).parent
IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError"}

# path (under src/taizhang) -> why it may catch an import error
CATCH_ALLOWED = {
    # Finds an optional hook module (demo, panels, …) in each app; only that module's own absence is caught.
    "core/discovery.py": "an app without the hook module",
}
# path -> why it may call importlib.import_module
IMPORT_MODULE_ALLOWED = {
    "core/discovery.py": "hook modules named by convention in every installed app",
    "core/seeding.py": "migration modules, whose names (0002_…) cannot be imported by statement",
    "warm.py": "the database backends settings.DATABASES names, loaded before gunicorn forks",
}


def _sources() -> list[tuple[str, ast.Module]]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if "/migrations/" in f"/{rel}":
            continue
        found.append((rel, ast.parse(path.read_text(encoding="utf-8"), filename=rel)))
    return found


def _caught_names(handler: ast.ExceptHandler) -> set[str]:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return {k.id if isinstance(k, ast.Name) else getattr(k, "attr", "") for k in kinds if k is not None}


def test_no_module_catches_an_import_error():
    offenders = [
        f"{rel}:{node.lineno}"
        for rel, tree in _sources()
        if rel not in CATCH_ALLOWED
        for node in ast.walk(tree)
        if isinstance(node, ast.ExceptHandler) and _caught_names(node) & IMPORT_ERRORS
    ]
    assert offenders == []


def test_no_module_imports_by_name_to_dodge_a_layer():
    offenders = [
        f"{rel}:{node.lineno}"
        for rel, tree in _sources()
        if rel not in IMPORT_MODULE_ALLOWED
        for node in ast.walk(tree)
        if (isinstance(node, ast.Attribute) and node.attr in {"import_module", "__import__"})
        or (isinstance(node, ast.Name) and node.id in {"import_module", "__import__"})
    ]
    assert offenders == []


def test_the_checks_see_what_they_forbid():
    handler = ast.parse("try:\n    import x\nexcept (KeyError, ImportError):\n    pass\n").body[0]
    assert isinstance(handler, ast.Try)
    assert _caught_names(handler.handlers[0]) & IMPORT_ERRORS
    assert len(_sources()) > 100
