"""The project's form renderer writes the common widgets in Python: byte for byte what Django's templates write.

Each widget below is rendered by Django's own renderer and by ours and the two texts compared, over the values
and attributes that make the templates branch (None, empty, escaping, safe strings, lazy translations, numbers,
True/False attributes, option groups, selections), and then every field of every form in the project that can
be built without arguments."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
from decimal import Decimal

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

import taizhang
from taizhang.core.form_renderer import FormRenderer

DJANGO, OURS = DjangoTemplates(), FormRenderer()

VALUES = [
    None,
    "",
    "plain",
    "a<b>&\"'",
    mark_safe("<b>safe</b>"),
    gettext_lazy("线索台账"),
    0,
    123456,
    Decimal("1234.50"),
    dt.date(2026, 6, 10),
    ("a", 1),
    "多行\n文本<x>",
]
ATTRS = [
    {},
    {"class": "form-control", "required": True, "disabled": False},
    {"data-x": "<&>", "maxlength": 40, "placeholder": gettext_lazy("必填"), "id": "id_x", "autofocus": True},
]
CHOICES = [
    ("", "---------"),
    (1, "一"),
    ("two", gettext_lazy("线索台账")),
    ("<3>", mark_safe("<i>safe</i>")),
    (4, 2026),
    ("组", [("g1", "甲"), ("g2", 'a"b')]),
    (gettext_lazy("分组"), [(5, "乙")]),
]


def widgets():
    for attrs in ATTRS:
        for cls in (
            forms.TextInput,
            forms.HiddenInput,
            forms.NumberInput,
            forms.EmailInput,
            forms.URLInput,
            forms.PasswordInput,
            forms.DateInput,
            forms.DateTimeInput,
            forms.TimeInput,
            forms.Textarea,
            forms.CheckboxInput,
            forms.FileInput,
            forms.ClearableFileInput,
        ):
            for value in VALUES:
                yield cls(attrs=dict(attrs)), value
        for value in (None, "", 1, "1", "two", "g2", 5, "<3>", ["1", "g1"], "absent"):
            yield forms.Select(attrs=dict(attrs), choices=CHOICES), value
            yield forms.SelectMultiple(attrs=dict(attrs), choices=CHOICES), value
            yield forms.RadioSelect(attrs=dict(attrs), choices=CHOICES), value
        yield forms.NullBooleanSelect(attrs=dict(attrs)), True
        yield forms.PasswordInput(attrs=dict(attrs), render_value=True), "secret"
        yield forms.DateInput(attrs=dict(attrs), format="%Y年%m月%d日"), dt.date(2026, 6, 10)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_widget_case_renders_as_django_does(language):
    with override(language):
        for widget, value in widgets():
            theirs = widget.render("field", value, renderer=DJANGO)
            ours = widget.render("field", value, renderer=OURS)
            assert ours == theirs, (type(widget).__name__, value, widget.attrs)


def test_it_is_the_renderer_of_every_form():
    assert settings.FORM_RENDERER == "taizhang.core.form_renderer.FormRenderer"
    assert isinstance(get_default_renderer(), FormRenderer)


def _project_forms():
    for info in pkgutil.walk_packages(taizhang.__path__, "taizhang."):
        if ".migrations" in info.name or info.name.endswith(("settings", "wsgi", "asgi")):
            continue
        try:
            module = importlib.import_module(info.name)
        except Exception:  # noqa: S112 - a module of the other site, or one that needs a configured service
            continue
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


@pytest.mark.django_db
def test_every_project_form_renders_as_with_django(db):
    built = 0
    for cls in set(_project_forms()):
        try:
            form = cls()
        except Exception:  # noqa: S112 - forms that need a person, a clue or a prefix to be built
            continue
        built += 1
        for field in form:
            form.renderer = DJANGO
            theirs = field.as_widget()
            form.renderer = OURS
            assert field.as_widget() == theirs, (cls.__name__, field.name)
    assert built >= 10


def test_the_common_widgets_use_no_template(monkeypatch):
    def refuse(self, name):
        raise AssertionError(f"template {name} rendered")

    monkeypatch.setattr(FormRenderer, "get_template", refuse)
    for widget in (
        forms.TextInput(attrs={"class": "form-control"}),
        forms.HiddenInput(),
        forms.DateInput(),
        forms.Textarea(attrs={"rows": 2}),
        forms.Select(choices=CHOICES, attrs={"class": "form-select"}),
    ):
        assert widget.render("field", "1", renderer=OURS)
