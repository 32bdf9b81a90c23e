"""Vocabularies of the public portal: who wrote a message, and the public status a reporter sees."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sender(models.TextChoices):
    REPORTER = "reporter", _("举报人")
    OFFICE = "office", _("扫黑办")


class PublicStatus(models.TextChoices):
    RECEIVED = "received", _("已受理")
    VERIFYING = "verifying", _("核查中")
    CONCLUDED = "concluded", _("已办结")


# Clue states (clues.choices.ClueStatus values) mapped to the three words the public sees; anything not listed
# counts as 核查中. A referral or merge ends the reporter's matter as far as this office is concerned.
PUBLIC_STATUS_OF: dict[str, str] = {
    "registered": PublicStatus.RECEIVED,
    "triaged": PublicStatus.RECEIVED,
    "concluded": PublicStatus.CONCLUDED,
    "referred": PublicStatus.CONCLUDED,
    "merged": PublicStatus.CONCLUDED,
}


def public_status(clue_status: str) -> PublicStatus:
    """The public word for a clue's internal state."""
    return PublicStatus(PUBLIC_STATUS_OF.get(clue_status, PublicStatus.VERIFYING))
