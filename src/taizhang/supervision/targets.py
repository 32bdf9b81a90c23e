"""Generic targets (a clue, a case, a task...): resolving, labelling and the visibility of records about them.

Records that may concern a clue or a case (listed supervision, urging notices) store a ContentType and an id.
They are visible exactly when their target is: any model whose queryset implements `visibility_q` plugs in,
such as the cases app's Case.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q
from django.urls import NoReverseMatch, reverse

from taizhang.org.visibility import Scope

# Models whose rows supervision records may point at.
TARGET_MODELS = ("clues.Clue", "cases.Case", "supervision.Task")


def target_models() -> list[type[Model]]:
    """The target models, in TARGET_MODELS order."""
    return [apps.get_model(label) for label in TARGET_MODELS]


def visible_targets_q(scope: Scope, *, ct_field: str = "target_type", id_field: str = "target_id") -> Q:
    """Rows whose target the scope may see (a target model without a visibility rule is never visible)."""
    rule = Q(pk__in=[])
    for model in target_models():
        qs = model._default_manager.all()
        visibility_q = getattr(qs, "visibility_q", None)
        if visibility_q is None:
            continue
        ct = ContentType.objects.get_for_model(model)
        visible_ids = model._default_manager.filter(visibility_q(scope)).values("pk")
        rule |= Q(**{ct_field: ct.pk, f"{id_field}__in": visible_ids})
    return rule


def label_of(obj: Any) -> str:
    """A short label for a target: its number when it has one."""
    number = getattr(obj, "number", "") or ""
    title = getattr(obj, "summary", "") or getattr(obj, "title", "") or str(obj)
    return f"{number} {title}".strip()


def url_of(obj: Any) -> str:
    """The detail page of a target, or '' when its app has none yet."""
    meta = obj._meta
    for name in (f"{meta.app_label}:detail", f"{meta.app_label}:{meta.model_name}_detail"):
        try:
            return reverse(name, args=[obj.pk])
        except NoReverseMatch:
            continue
    getter = getattr(obj, "get_absolute_url", None)
    return getter() if getter else ""
