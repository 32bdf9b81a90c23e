"""Build the demo city in a throw-away SQLite database and print its shape (查结率, overdue, unread inboxes).

.venv/bin/python scripts/demo_figures.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="taizhang-demo-"))
    os.environ["TAIZHANG_DATABASE_URL"] = f"sqlite:///{folder / 'demo.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("demo", "--quiet", stdout=open(os.devnull, "w"))  # noqa: SIM115
    from taizhang.reports.demo_shape import measure

    print("\n".join(measure().lines()))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
