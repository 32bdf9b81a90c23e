"""Form helpers shared by every entry page: the error summary at the top."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("core/_error_summary.html")
def error_summary(*forms: Any) -> dict[str, Any]:
    """Every error of these forms (and formsets), labelled by field, linking to it."""
    items: list[dict[str, str]] = []

    def add(form: Any) -> None:
        if form is None:
            return
        if hasattr(form, "forms"):  # a formset
            for error in form.non_form_errors():
                items.append({"id": "", "label": "", "message": str(error)})
            for sub in form.forms:
                add(sub)
            return
        for error in form.non_field_errors():
            items.append({"id": "", "label": "", "message": str(error)})
        for name, errors in form.errors.items():
            if name == "__all__" or name not in form.fields:
                continue
            bound = form[name]
            for error in errors:
                items.append({"id": bound.id_for_label, "label": str(bound.label), "message": str(error)})

    for form in forms:
        add(form)
    return {"has_errors": bool(items), "error_items": items}
