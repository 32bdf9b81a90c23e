"""Form fields shared by the entry forms: dates as people type them, unit pickers with a search box."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang.core.params import as_id
from taizhang.pure.dates import DATE_FORMATS_HINT, parse_date_text


class TypedDateInput(forms.DateInput):
    """A text box for a date (a browser's date picker cannot take "2026年12月31日"), shown as 2026-12-31."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {"placeholder": "2026-12-31", "inputmode": "numeric", "autocomplete": "off"}
        super().__init__(attrs={**base, **(attrs or {})}, format="%Y-%m-%d")


class TypedDateField(forms.DateField):
    """A date in any usual form (2026-12-31, 2026/12/31, 2026年12月31日, full-width digits); a refusal names
    the forms that work."""

    widget = TypedDateInput

    def to_python(self, value: Any) -> dt.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        parsed = parse_date_text(str(value))
        if parsed is None:
            raise forms.ValidationError(
                _("「%(v)s」不是有效日期，请写成 %(formats)s。") % {"v": value, "formats": DATE_FORMATS_HINT},
                code="invalid",
            )
        return parsed


class FilteredSelectMultiple(forms.SelectMultiple):
    """A multiple choice list with a search box above it (static/taizhang/taizhang.js): typing narrows the
    options, a click picks one without Ctrl."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        words = {
            "data-picker": "filter",
            "data-picker-placeholder": gettext_lazy("输入单位名称筛选"),
            "data-picker-chosen": gettext_lazy("已选 {n} 个："),
            "data-picker-none": gettext_lazy("尚未选择"),
        }
        super().__init__(attrs={**words, "size": "8", **(attrs or {})})


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, refusing an id no database column holds before it reaches the query: Django checks each id
    alone (an out-of-range one finds nothing) but then asks for all of them with IN, where
    99999999999999999999 is an OverflowError on SQLite and an out-of-range error on PostgreSQL (a 500)."""

    def _check_values(self, value: Any) -> Any:
        if self.to_field_name is None:
            for pk in value:
                if as_id(pk) is None:
                    raise forms.ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                    )
        return super()._check_values(value)  # type: ignore[misc]
