"""Portal clues walked through the ledger, and clients that passed (or not) the second factor."""

from __future__ import annotations

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from taizhang.clues import actions as clue_actions
from taizhang.clues.actions import ReporterData, SubjectData
from taizhang.clues.choices import Category, FindingResult, ReportStage
from taizhang.portal import actions as portal_actions
from taizhang.portal import credentials

NAME, PHONE = "钱实名", "13800001111"


def portal_clue(real_name: bool = True):
    """A clue reported through the portal (the real submit action), with its receipt."""
    passphrase = "reporter-passphrase-1"
    sub = portal_actions.Submission(
        summary="某村霸强占集体土地",
        facts="村霸孙某某长期强占集体土地，殴打上访村民。",
        subjects=[SubjectData(name="孙某某")],
        reporter=ReporterData(
            kind="real_name" if real_name else "anonymous",
            identity={"name": NAME, "phone": PHONE} if real_name else {},
            wants_feedback=real_name,
        ),
    )
    from taizhang.portal import abuse

    nonce = abuse.check_challenge(*_solved())
    issued = portal_actions.do_submit_report(
        sub,
        passphrase=passphrase,
        passphrase_hash=credentials.hash_passphrase(passphrase),
        attachments=[],
        challenge_nonce=nonce,
    )
    return issued.receipt.clue


def _solved() -> tuple[str, str]:
    from taizhang.portal import abuse

    challenge = abuse.new_challenge()
    return challenge, abuse.solve(challenge, abuse.pow_bits())


def conclude(world, clue):
    """Walk a clue to 办结 with the real actions."""
    staff, leader = world.people["office_staff"], world.people["office_leader"]
    clue_actions.do_triage_clue(clue.pk, actor=staff, in_scope=True, category=Category.EVIL)
    clue_actions.do_assign_clue(
        clue.pk, actor=leader, unit=world.units["transport"], person=world.people["handler"]
    )
    clue_actions.do_file_stage_report(
        clue.pk, actor=world.people["liaison"], stage=ReportStage.FIRST, body="已核查。"
    )
    clue_actions.do_record_finding(
        clue.pk, actor=world.people["handler"], result=FindingResult.SUBSTANTIATED, basis="属实。"
    )
    clue_actions.do_sign_finding(clue.pk, actor=world.people["unit_leader"])
    clue_actions.do_review_finding(clue.pk, actor=staff, accept=True)
    return clue_actions.do_conclude_clue(clue.pk, actor=staff, note="已处理")


def verified_client(user) -> Client:
    """A client signed in and past TOTP (as django-otp records it in the session)."""
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
