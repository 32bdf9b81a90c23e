"""What a server process holds when it starts: the preloaded application (taizhang.wsgi) leaves out the
libraries only some requests use, each loaded by the function that needs it.

Under gunicorn --preload every module the arbiter imports is resident in every worker, used or not
(README, the memory paragraphs of #25). These are loaded where they are used, each saying why beside its
import; a module-level import of one of them again would put it back into every worker."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.production import production_env

# Module -> what it is and where it is loaded.
LOADED_WHERE_USED = {
    "opencc": "OpenCC's dictionaries: pure.script.converter, for a text holding a Traditional character",
    "pypinyin": "name keys read pure/pinyin_first.txt instead",
    "cn2an": "Chinese numerals in figures from text",
    "PIL": "Pillow: images and scans",
    "openpyxl": "reading an .xlsx import",
    "xlsxwriter": "writing an export",
    "docx": "python-docx: documents",
    "health_check": "django-health-check: taizhang.readiness, imported by the first /readyz (taizhang.health)",
    "dns": "dnspython, which health_check's package imports for its DNS check (2.6 MiB per worker)",
}
# Loaded before the fork on purpose (taizhang.warm): what every worker uses.
PRELOADED = ["psycopg", "rapidfuzz", "django.template.loaders.cached"]


def _started_modules(tmp_path: Path) -> set[str]:
    env = {
        **production_env(tmp_path),
        "TAIZHANG_DATABASE_URL": "postgres://nobody@127.0.0.1:9/none",  # the driver is imported, never connected
        "TAIZHANG_SITE": "combined",
    }
    program = "import json, sys, taizhang.wsgi; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", program], env=env, capture_output=True, text=True, check=True
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_the_server_starts_without_the_libraries_only_some_requests_use(tmp_path: Path) -> None:
    modules = _started_modules(tmp_path)
    tops = {name.partition(".")[0] for name in modules}
    assert sorted(tops & set(LOADED_WHERE_USED)) == []
    assert [name for name in PRELOADED if name not in modules] == []
