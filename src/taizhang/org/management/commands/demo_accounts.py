"""`taizhang demo_accounts`: print the demo accounts and what each may do."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from taizhang.accounts.actions import do_issue_enrolment_code, has_confirmed_device
from taizhang.accounts.twofactor import requires_2fa
from taizhang.core.actors import DEMO
from taizhang.core.demo_context import DEMO_PASSWORD
from taizhang.org.demo import PEOPLE
from taizhang.org.models import User


class Command(BaseCommand):
    help = (
        "List the demo accounts (all share one password). Accounts whose role requires two-factor sign-in and "
        "that have no authenticator yet get a fresh one-time enrolment code, printed beside them."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        existing = set(
            User.objects.filter(username__in=[p[0] for p in PEOPLE]).values_list("username", flat=True)
        )
        self.stdout.write(f"\n  演示账户（密码均为 {DEMO_PASSWORD}）  http://127.0.0.1:8000/\n")
        for username, display, unit_code, _title, roles in PEOPLE:
            if username in existing:
                role_names = "、".join(str(r.label) for r in roles)
                line = f"  {username:<16} {display:<6} {unit_code:<10} {role_names}"
                user = User.objects.get(username=username)
                if requires_2fa(user) and not has_confirmed_device(user):
                    line += f"  双因素登记码：{do_issue_enrolment_code(user, actor=DEMO)}"
                self.stdout.write(line)
        self.stdout.write("  公众举报平台：http://127.0.0.1:8000/report/\n")
