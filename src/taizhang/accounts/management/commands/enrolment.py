"""`taizhang enrolment issue USERNAME`: issue a one-time second-factor enrolment code (printed once)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from taizhang.accounts.actions import do_issue_enrolment_code
from taizhang.core.actors import CLI


class Command(BaseCommand):
    help = (
        "Issue a one-time code with which USERNAME enrols a TOTP authenticator at the next sign-in (bootstrap "
        "of the first administrator, or a lost phone). Hand the code over in person; it is audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", choices=["issue"])
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no such user: {options['username']}")
        self.stdout.write(do_issue_enrolment_code(user, actor=CLI))
