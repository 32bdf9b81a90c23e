"""The portal imports nothing from staff views, forms or APIs."""

from __future__ import annotations

import ast
from pathlib import Path

import taizhang.portal

ALLOWED_PREFIXES = (
    "taizhang.portal",
    "taizhang.gate",
    "taizhang.core",
    "taizhang.conf",
    "taizhang.clues.models",
    "taizhang.clues.choices",
    "taizhang.clues.actions",
    "taizhang.org.models",
    "taizhang.org.choices",
)


def test_portal_imports_only_models_choices_and_the_register_action():
    root = Path(taizhang.portal.__file__).parent
    for path in root.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("taizhang"):
                assert node.module.startswith(ALLOWED_PREFIXES) or node.module == "taizhang", (
                    path,
                    node.module,
                )
                if node.module == "taizhang.clues.actions":
                    assert {a.name for a in node.names} <= {"do_register_clue", "ReporterData", "SubjectData"}
            if isinstance(node, ast.Import):
                for alias in node.names:
                    assert not alias.name.startswith("taizhang") or alias.name.startswith(ALLOWED_PREFIXES)
