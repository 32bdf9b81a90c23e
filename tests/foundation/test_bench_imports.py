"""Every name a benchmark imports from the project exists.

Benchmarks are run by hand, weeks apart, and no test executes them: when the clue tally moved from reports to
clues, bench/stats.py kept importing `taizhang.reports.tally` and failed at its first line. This reads each
bench's imports without running it (importing a bench sets up Django and its environment): names from `taizhang`
are imported here; names from another bench module must be defined at its top level.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
LOCAL = {path.stem for path in BENCH.glob("*.py")}


@cache
def _tree(stem: str) -> ast.Module:
    return ast.parse((BENCH / f"{stem}.py").read_text(encoding="utf-8"))


def _top_level_names(stem: str) -> set[str]:
    names: set[str] = set()
    for node in _tree(stem).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return names


def _imports(stem: str) -> Iterator[tuple[str, str | None]]:
    """(module, name) for each project import of the bench; name None for `import module`."""
    for node in ast.walk(_tree(stem)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                yield node.module, alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None


def _local(module: str) -> str | None:
    """The bench module's stem when `module` is one (`bench.generate`, or `generate` with bench/ on the path)."""
    parts = module.split(".")
    if parts[0] == "bench" and len(parts) == 2:
        return parts[1]
    return module if module in LOCAL else None


@pytest.mark.parametrize("stem", sorted(LOCAL))
def test_bench_imports_resolve(stem: str) -> None:
    missing = []
    for module, name in _imports(stem):
        local = _local(module)
        if local is not None:
            if name is not None and name not in _top_level_names(local):
                missing.append(f"{module}.{name}")
        elif module.split(".")[0] == "taizhang":
            try:
                found = importlib.import_module(module)
            except ImportError:
                missing.append(module)
                continue
            if name is not None and not hasattr(found, name):
                try:
                    importlib.import_module(f"{module}.{name}")
                except ImportError:
                    missing.append(f"{module}.{name}")
    assert not missing, f"bench/{stem}.py imports what does not exist: {missing}"
