"""`taizhang demo_accounts`: print the demo accounts and what each may do."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from taizhang.core.demo import DEMO_PASSWORD
from taizhang.org.demo import PEOPLE
from taizhang.org.models import User


class Command(BaseCommand):
    help = "List the demo accounts (all share one password)."

    def handle(self, *args: Any, **options: Any) -> None:
        existing = set(
            User.objects.filter(username__in=[p[0] for p in PEOPLE]).values_list("username", flat=True)
        )
        self.stdout.write(f"\n  演示账户（密码均为 {DEMO_PASSWORD}）  http://127.0.0.1:8000/\n")
        for username, display, unit_code, _title, roles in PEOPLE:
            if username in existing:
                role_names = "、".join(str(r.label) for r in roles)
                self.stdout.write(f"  {username:<16} {display:<6} {unit_code:<10} {role_names}")
        self.stdout.write("  公众举报平台：http://127.0.0.1:8000/report/\n")
