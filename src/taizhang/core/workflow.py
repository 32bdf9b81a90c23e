"""Checking a state change against a transition map written once, as data, beside the states."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from taizhang.core.errors import ConflictError, TransitionRefused


def check_transition(
    transitions: Mapping[Any, frozenset[Any] | set[Any]],
    current: models.TextChoices | str,
    target: models.TextChoices | str,
    *,
    labels: type[models.TextChoices],
) -> None:
    """Refuse (with a Chinese message naming both states) unless `target` is allowed from `current`."""
    allowed = transitions.get(current, frozenset())
    if target not in allowed:
        raise TransitionRefused(
            "transition_refused",
            _("当前状态为「%(current)s」，不能执行「%(target)s」。")
            % {"current": labels(current).label, "target": labels(target).label},
            detail={"from": str(current), "to": str(target)},
        )


def check_step(
    steps: Mapping[str, tuple[frozenset[str], str | None]],
    step: str,
    current: str,
    *,
    states: type[models.TextChoices],
    step_labels: type[models.TextChoices],
) -> str:
    """Refuse unless `step` may start from `current`; return the state it leads to."""
    sources, target = steps[step]
    if current not in sources:
        raise TransitionRefused(
            "transition_refused",
            _("当前状态为「%(current)s」，不能进行「%(step)s」。")
            % {"current": states(current).label, "step": step_labels(step).label},
            detail={"from": str(current), "step": str(step)},
        )
    return target or current


def check_version(obj: Any, expected: int | None, fields: list[str]) -> None:
    """Refuse a save made from a stale copy; report the current values of `fields` as what changed."""
    if expected is None or int(expected) == obj.version:
        return
    changes = {name: str(getattr(obj, name)) for name in fields}
    raise ConflictError(changes)


def bump_version(obj: Any, update_fields: list[str]) -> list[str]:
    """Increase the version and return update_fields including it."""
    obj.version += 1
    return [*update_fields, "version"]
