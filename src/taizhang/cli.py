"""The `taizhang` console command: Django's management commands under the product's name."""

from __future__ import annotations

import os
import sys


def main() -> None:
    """Run a management command, e.g. `taizhang migrate` or `taizhang audit verify`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    argv[0] = "taizhang"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
