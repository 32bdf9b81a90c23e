"""taizhang.core.labels: every model's `get_FOO_display` answers as Django's own, by one dict lookup.

Django's method rebuilds the choices and translates every label at each call; ours reads a dict built once
per field. Both are asked of every field with choices in the project, for each of its values and for a value
it does not know, in each of the site's languages; and every such method Django defined is ours."""

from __future__ import annotations

from functools import partialmethod

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.translation import override

from taizhang.core import labels


def _fields_with_choices() -> list[tuple[type[models.Model], models.Field]]:
    return [
        (model, field)
        for model in apps.get_models()
        if model.__module__.startswith("taizhang.")
        for field in model._meta.fields
        if field.choices and f"get_{field.name}_display" in model.__dict__
    ]


def test_the_project_has_fields_with_choices() -> None:
    assert len(_fields_with_choices()) > 20


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_each_label_is_djangos_in_each_language(language: str) -> None:
    for model, field in _fields_with_choices():
        values = [value for value, _label in field.flatchoices] + ["not-a-choice", None]
        for value in values:
            instance = model()
            setattr(instance, field.attname, value)
            with override(language):
                ours = getattr(instance, f"get_{field.name}_display")()
                django = models.Model._get_FIELD_display(instance, field)  # type: ignore[attr-defined]
            assert ours == django, (model.__name__, field.name, value, language)
            assert type(ours) is type(django)


def test_every_display_method_django_defined_is_the_lookup() -> None:
    """A model added later gets the lookup too (install() runs when the apps are ready)."""
    for model, field in _fields_with_choices():
        method = model.__dict__[f"get_{field.name}_display"]
        assert isinstance(method, partialmethod), (model.__name__, field.name)
        assert method.func is labels.display, (model.__name__, field.name)
        assert method.keywords == {"field": field}


def test_a_models_own_display_method_is_kept() -> None:
    """Django leaves a model's own get_FOO_display alone; so does install()."""

    def own(self: models.Model) -> str:
        return "own"

    model, field = _fields_with_choices()[0]
    name = f"get_{field.name}_display"
    kept = model.__dict__[name]
    try:
        setattr(model, name, own)
        labels.install()
        assert model.__dict__[name] is own
    finally:
        setattr(model, name, kept)
