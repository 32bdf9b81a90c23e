"""Filters of the letter list and the letters board; the board's numbers link to these filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from taizhang.core.params import as_id
from taizhang.rectification.choices import LetterBucket, LetterStatus
from taizhang.rectification.models import LetterQuerySet


def bucket_q(bucket: str, now: Any = None) -> Q:
    """The letters counted in a board column."""
    now = now or timezone.now()
    return {
        LetterBucket.ISSUED: Q(),
        LetterBucket.REPLIED: Q(replied_at__isnull=False),
        LetterBucket.RECTIFIED: Q(status=LetterStatus.RECTIFIED),
        LetterBucket.OVERDUE: Q(replied_at__isnull=True, reply_due_at__lt=now),
    }[LetterBucket(bucket)]


def apply(qs: LetterQuerySet, params: Mapping[str, Any]) -> LetterQuerySet:
    """Narrow visible letters by the list's GET parameters (unknown values are ignored)."""
    if q := (params.get("q") or "").strip():
        qs = qs.filter(Q(number__icontains=q) | Q(problems__icontains=q))
    for key, field in (
        ("issuer", "issuer_unit_id"),
        ("recipient", "recipient_unit_id"),
        ("type", "letter_type_id"),
        ("sector", "sector_id"),
        ("case", "case_id"),
    ):
        if value := as_id(params.get(key)):
            qs = qs.filter(**{field: value})
    if params.get("status") in LetterStatus.values:
        qs = qs.filter(status=params["status"])
    if params.get("bucket") in LetterBucket.values:
        qs = qs.filter(bucket_q(params["bucket"]))
    if issued_from := _day(params.get("issued_from")):
        qs = qs.filter(issued_on__gte=issued_from)
    if issued_to := _day(params.get("issued_to")):
        qs = qs.filter(issued_on__lte=issued_to)
    return qs


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def board(qs: LetterQuerySet, by: str, **narrowed: Any) -> list[dict[str, Any]]:
    """Issued / replied / rectified / overdue per issuer (by="issuer") or per recipient (by="recipient").
    `narrowed` are the list filters `qs` was already narrowed by, carried into every cell's link."""
    field = "issuer_unit" if by == "issuer" else "recipient_unit"
    now = timezone.now()
    rows = (
        qs.values(f"{field}_id", f"{field}__name")
        .annotate(**{b: Count("pk", filter=bucket_q(b, now)) for b in LetterBucket.values})
        .order_by(f"{field}__path")
    )
    return [
        {
            "unit_id": row[f"{field}_id"],
            "unit": row[f"{field}__name"],
            "cells": [
                {
                    "bucket": b,
                    "count": row[b],
                    "url": letters_url(**narrowed, **{by: row[f"{field}_id"], "bucket": b}),
                }
                for b in LetterBucket.values
            ],
        }
        for row in rows
    ]


def letters_url(**params: Any) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return reverse("rectification:letters") + ("?" + urlencode(clean) if clean else "")
