"""Choice labels read at the cost of one dict lookup.

Django's `get_FOO_display` rebuilds the field's choices into a dict at each call and hashes every label on
the way; a translated label hashes by translating itself, so reading one status cost one gettext per status
the field knows (~80 µs; the clue page read 39 labels, the ledger a few per row). `install()`, run once when
the apps are ready, gives every such method of Taizhang's models a lookup in a dict built once per field. The
label found is still translated at each call, in the language active then; a model that defines its own
`get_FOO_display` keeps it."""

from __future__ import annotations

from functools import partialmethod
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.encoding import force_str

# field -> {value: label}, built on a field's first read (choices are fixed once the models are loaded).
_LABELS: dict[models.Field[Any, Any], dict[Any, Any]] = {}


def _labels(field: models.Field[Any, Any]) -> dict[Any, Any]:
    labels = _LABELS.get(field)
    if labels is None:
        # Keys only are hashed here (the stored values: strings, numbers); the labels stay lazy.
        labels = _LABELS[field] = {value: label for value, label in field.flatchoices}
    return labels


def label(field: models.Field[Any, Any], value: Any) -> Any:
    """The label of `value` among the field's choices, or the value itself when it has none (for rows read
    without their model: what the model's `get_FOO_display` would give)."""
    return force_str(_labels(field).get(value, value), strings_only=True)


def display(instance: models.Model, *, field: models.Field[Any, Any]) -> Any:
    """What Django's `_get_FIELD_display` returns: the value's label, or the value itself when it has none."""
    value = getattr(instance, field.attname)
    try:
        return label(field, value)
    except TypeError:  # an unhashable value (none of Taizhang's fields has one): Django's own way
        return models.Model._get_FIELD_display(instance, field)  # type: ignore[attr-defined]


def install() -> int:
    """Give each `get_FOO_display` Django defined on Taizhang's models the dict lookup; returns how many."""
    installed = 0
    for model in apps.get_models():
        if not model.__module__.startswith("taizhang."):
            continue
        for field in model._meta.fields:
            name = f"get_{field.name}_display"
            if isinstance(model.__dict__.get(name), partialmethod):  # Django's, not the model's own
                setattr(model, name, partialmethod(display, field=field))
                installed += 1
    return installed
