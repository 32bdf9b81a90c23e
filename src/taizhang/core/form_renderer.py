"""The form renderer (settings.FORM_RENDERER): Django's own, with the few widget templates every page renders
written out in Python.

A select of 30 units costs Django's template engine 60 template includes (each option and its attributes), and
a handling step's forms hold several: on the clue page of an office the widgets were a third of the page's time
(bench/ledger.py, docs/clues.md). `render` gives exactly what Django's templates give, byte for byte, for
`input.html` and the templates that only include it (text, hidden, number, date, email, …), `textarea.html`
and `select.html` with plain options; anything else, or a value the templates would treat specially (a callable),
goes to the templates as before. tests/foundation/test_form_renderer.py compares both on every case.
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.template.base import render_value_in_context
from django.utils.safestring import SafeData, mark_safe

_WIDGETS = "django/forms/widgets/"
# Templates whose whole text is `{% include "django/forms/widgets/input.html" %}`.
_INPUTS = frozenset(
    f"{_WIDGETS}{name}.html"
    for name in (
        "input",
        "text",
        "hidden",
        "number",
        "email",
        "url",
        "password",
        "date",
        "datetime",
        "time",
        "search",
        "tel",
        "color",
        "checkbox",
        "file",
    )
)
_OPTION = f"{_WIDGETS}select_option.html"


class _Plain:
    """What render_value_in_context reads of a template context: the forms engine's defaults."""

    autoescape = True
    use_l10n = None
    use_tz = None


_CONTEXT: Any = _Plain()  # duck-typed: the three attributes render_value_in_context reads


class _Fallback(Exception):
    """A value the fast path does not write the way the template would: render with the template."""


def _text(value: Any) -> str:
    """`{{ value }}`."""
    if callable(value):
        raise _Fallback
    return render_value_in_context(value, _CONTEXT)


def _s(value: Any) -> str:
    """`{{ value|stringformat:'s' }}` (the filter keeps a safe string safe)."""
    if callable(value):
        raise _Fallback
    shown = str(value) if isinstance(value, tuple) else value
    try:
        out = "%s" % shown  # noqa: UP031 - the filter's own formatting
    except (ValueError, TypeError):
        out = ""
    # The filter's own rule: the output of a safe input stays safe.
    return _text(mark_safe(out) if isinstance(value, SafeData) else out)  # noqa: S308


def _attrs(attrs: dict[str, Any]) -> str:
    """attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {_text(name)}" if value is True else f' {_text(name)}="{_s(value)}"')
    return "".join(parts)


def _input(widget: dict[str, Any]) -> str:
    value = widget["value"]
    shown = f' value="{_s(value)}"' if value is not None else ""
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'


def _textarea(widget: dict[str, Any]) -> str:
    value = widget["value"]
    if callable(value):
        raise _Fallback
    return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{_text(value) if value else ""}</textarea>'


def _select(widget: dict[str, Any]) -> str:
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != _OPTION:
                raise _Fallback
            parts.append(
                f'\n  <option value="{_s(option["value"])}"{_attrs(option["attrs"])}>{_text(option["label"])}</option>\n'
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


_FAST = {
    **dict.fromkeys(_INPUTS, _input),
    f"{_WIDGETS}textarea.html": _textarea,
    f"{_WIDGETS}select.html": _select,
}


class FormRenderer(DjangoTemplates):
    """Django's template renderer, with the common widgets written directly (see the module's docstring)."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        fast = _FAST.get(template_name)
        widget = context.get("widget") if fast is not None else None
        if fast is not None and isinstance(widget, dict):
            try:
                return fast(widget).strip()
            except (_Fallback, KeyError, TypeError, ValueError):
                pass
        return super().render(template_name, context, request=request)
