"""`taizhang token issue USERNAME NAME`: issue an API token (printed once) or revoke one."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from taizhang.accounts.actions import has_confirmed_device
from taizhang.accounts.models import ApiToken
from taizhang.accounts.twofactor import requires_2fa
from taizhang.core import audit
from taizhang.core.actors import CLI


class Command(BaseCommand):
    help = "Issue or revoke API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", choices=["issue", "revoke"])
        parser.add_argument("username")
        parser.add_argument("name", nargs="?", default="cli")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no such user: {options['username']}")
        if options["operation"] == "issue":
            if requires_2fa(user) and not has_confirmed_device(user):
                raise CommandError(
                    f"{user.username}'s role requires two-factor sign-in: enrol an authenticator first "
                    "(taizhang enrolment issue USERNAME)"
                )
            token, key = ApiToken.issue(user, options["name"])
            audit.record("api_token.issue", actor=CLI, obj=user, after={"token": token.prefix})
            self.stdout.write(key)
        else:
            count = ApiToken.objects.filter(user=user, name=options["name"], revoked=False).update(
                revoked=True
            )
            audit.record(
                "api_token.revoke", actor=CLI, obj=user, after={"name": options["name"], "count": count}
            )
            self.stdout.write(f"revoked {count}")
