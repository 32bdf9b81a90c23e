"""One standard world per test module, with a clue (and other records) in each context, and a client per persona.

Building the world and walking six clues through their life takes a while, so it is done once per module
inside a transaction that is rolled back at the end; each test still runs in its own savepoint (the `db`
fixture), so a POST in one test never leaks into the next.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from taizhang.accounts.models import ApiToken
from taizhang.accounts.twofactor import requires_2fa
from taizhang.clues import actions
from taizhang.clues.actions import SubjectData
from taizhang.clues.models import Clue, Transfer
from tests.clues.conftest import Walk
from tests.conftest import World, build_world
from tests.proof.records import Records, build_records


@dataclass
class Proof:
    """The world, its context clues by name, signed-in clients and API tokens by persona."""

    world: World
    clues: dict[str, Clue]
    tokens: dict[str, str]
    sessions: dict[str, str]
    # An attachment on each context clue, and the transfer of the transferred one.
    attachments: dict[str, int]
    transfers: dict[str, int]
    # Cases, rectification, supervision and report records by kind and context (tests/proof/records.py).
    records: Records

    def client(self, persona: str | None) -> Client:
        """A client signed in as the persona (second factor passed where the role needs it); None = anonymous."""
        client = Client()
        if persona is not None:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[persona]
        return client

    def api_client(self, persona: str | None) -> Client:
        """A client that sends the persona's API token (no session); None = no credentials."""
        if persona is None:
            return Client()
        return Client(HTTP_AUTHORIZATION=f"Bearer {self.tokens[persona]}")


def build_contexts(world: World) -> dict[str, Clue]:
    """A clue in each context of matrix.VIEWERS, built with the real actions."""
    walk = Walk(world)
    office_staff = world.people["office_staff"]
    recused = walk.verifying(summary="回避测试：反映交通运输局人员")
    recused.refresh_from_db()
    actions.do_edit_clue(
        recused.pk,
        actor=office_staff,
        version=recused.version,
        subjects=[SubjectData(name="李某", unit_name="", unit_id=world.units["transport"].pk)],
    )
    return {
        "own": walk.verifying(summary="本单位线索"),
        "other": walk.assigned(unit="construction", summary="他单位线索"),
        "umbrella": walk.assigned(unit="discipline", umbrella=True, summary="保护伞线索"),
        "recused": recused,
        "district": walk.assigned(office="district", unit="district_police", summary="区级线索"),
        "transferred": walk.transferred(summary="已移送线索"),
    }


def _session(user: Any) -> str:
    client = Client()
    client.force_login(user)
    if requires_2fa(user):
        device = TOTPDevice.objects.create(user=user, name="proof", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def build_proof() -> Proof:
    world = build_world()
    clues = build_contexts(world)
    attachments = {
        key: actions.do_add_attachment(
            clue.pk,
            actor=world.people["office_leader"],
            name=f"{key}-证据.pdf",
            content_type="application/pdf",
            chunks=[b"%PDF-1.4 " + key.encode()],
        ).pk
        for key, clue in clues.items()
    }
    return Proof(
        world=world,
        clues={k: Clue.objects.get(pk=c.pk) for k, c in clues.items()},
        tokens={key: ApiToken.issue(user, "proof")[1] for key, user in world.people.items()},
        sessions={key: _session(user) for key, user in world.people.items()},
        attachments=attachments,
        transfers={"transferred": Transfer.objects.get(clue=clues["transferred"]).pk},
        records=build_records(world, clues),
    )


@pytest.fixture(scope="module")
def proof(django_db_setup: Any, django_db_blocker: Any):
    """The module's world; everything it wrote is rolled back when the module ends."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_proof()
        transaction.set_rollback(True)


_PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")


def fill(pattern: str, values: dict[str, Any]) -> str:
    """A concrete URL from a Django route pattern and parameter values."""

    def sub(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in values:
            raise KeyError(f"no value for URL parameter {name!r} in {pattern}")
        return str(values[name])

    return _PARAM.sub(sub, pattern)
