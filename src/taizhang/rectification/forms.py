"""Forms of the rectification pages; they parse input, the actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from taizhang.clues.forms import BootstrapMixin
from taizhang.core.formfields import FilteredSelectMultiple, ModelMultipleChoiceField, TypedDateField
from taizhang.org.choices import UnitKind
from taizhang.org.models import Sector, Unit
from taizhang.pure.dates import DATE_FORMATS_HINT, parse_date_text
from taizhang.rectification.actions import MeasureData
from taizhang.rectification.choices import ListSource
from taizhang.rectification.models import LetterType


def parse_measure_lines(text: str, default_units: list[Unit]) -> list[MeasureData]:
    """Lines of "问题 | 整改措施 | 完成时限" (dates as 2026-06-30) typed into a reply or a list."""
    rows = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace("｜", "|").split("|")]
        if len(parts) != 3:
            raise forms.ValidationError(_("第%(n)s行须为“问题 | 整改措施 | 完成时限”。") % {"n": number})
        deadline = parse_date_text(parts[2])
        if deadline is None:
            raise forms.ValidationError(
                _("第%(n)s行的完成时限「%(v)s」不是有效日期，请写成 %(formats)s。")
                % {"n": number, "v": parts[2], "formats": DATE_FORMATS_HINT}
            )
        rows.append(
            MeasureData(problem=parts[0], description=parts[1], deadline=deadline, units=list(default_units))
        )
    return rows


ROW_FIELDS = ("measure_problem", "measure_description", "measure_deadline")


def measure_rows(data: Any) -> list[dict[str, str]]:
    """The measure rows typed into the form (one input per column per row), blank rows left out."""
    if not hasattr(data, "getlist"):
        return []
    columns = [data.getlist(name) for name in ROW_FIELDS]
    rows = []
    for values in zip(*columns, strict=False):
        row = dict(zip(("problem", "description", "deadline"), (v.strip() for v in values), strict=True))
        if any(row.values()):
            rows.append(row)
    return rows


def parse_measure_rows(rows: list[dict[str, str]], default_units: list[Unit]) -> list[MeasureData]:
    """Measures from rows of 问题 / 整改措施 / 完成时限; every faulty row is named with what it lacks."""
    problems: list[str] = []
    parsed = []
    for number, row in enumerate(rows, start=1):
        deadline = parse_date_text(row["deadline"])
        if not row["problem"] or not row["description"]:
            problems.append(_("第%(n)s行：请填写问题和整改措施。") % {"n": number})
        if deadline is None:
            problems.append(
                _("第%(n)s行：完成时限「%(v)s」不是有效日期，请写成 %(formats)s。")
                % {"n": number, "v": row["deadline"], "formats": DATE_FORMATS_HINT}
            )
        if deadline is not None and row["problem"] and row["description"]:
            parsed.append(
                MeasureData(
                    problem=row["problem"],
                    description=row["description"],
                    deadline=deadline,
                    units=list(default_units),
                )
            )
    if problems:
        raise forms.ValidationError(problems)
    return parsed


def _offices(user: Any) -> Any:
    return Unit.objects.filter(kind=UnitKind.OFFICE, path__startswith=user.unit.path if user.unit else "-")


class LetterForm(BootstrapMixin, forms.Form):
    """Register a letter."""

    letter_type = forms.ModelChoiceField(LetterType.objects.filter(is_active=True), label=_l("文书类型"))
    number = forms.CharField(label=_l("文号"), max_length=60)
    issuer = forms.ModelChoiceField(Unit.objects.none(), label=_l("发出单位"))
    recipient = forms.ModelChoiceField(
        Unit.objects.filter(is_active=True).exclude(kind=UnitKind.OFFICE), label=_l("接收单位")
    )
    case_number = forms.CharField(
        label=_l("所涉案件（编号或名称）"),
        required=False,
        help_text=format_lazy(
            '{}<div id="case-choices" class="list-group mt-1" aria-live="polite"></div>',
            _l("输入案件编号或案件名称中的词，在下方列出的案件中点选；不涉及案件可不填。"),
        ),
    )
    issued_on = TypedDateField(label=_l("发出日期"))
    reply_due = TypedDateField(label=_l("回复期限（不填按规定期限）"), required=False)
    problems = forms.CharField(label=_l("指出的问题"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(is_active=True)
        if user.unit and user.unit.kind == UnitKind.OFFICE:
            units = units.filter(path__startswith=user.unit.path).exclude(kind=UnitKind.OFFICE)
        else:
            units = units.filter(pk=user.unit_id or 0)
        self.fields["issuer"].queryset = units  # type: ignore[attr-defined]
        self.user = user
        # The case picker: typing a number or a word of the name lists the matching cases the person may see
        # (rectification:case_choices); a click fills in the number.
        self.fields["case_number"].widget.attrs.update(
            {
                "hx-get": reverse("rectification:case_choices"),
                "hx-trigger": "input changed delay:300ms, search",
                "hx-target": "#case-choices",
                "hx-swap": "innerHTML",
                "autocomplete": "off",
                "aria-describedby": "case-choices",
            }
        )

    def clean_case_number(self) -> Any:
        from taizhang.cases.models import Case

        number = (self.cleaned_data.get("case_number") or "").strip()
        if not number:
            return None
        # By number, or by (part of) the name when that names exactly one case the person may see.
        visible = Case.objects.visible_to(self.user)
        case = visible.filter(number=number).first()
        if case is None:
            named = list(visible.filter(name__icontains=number)[:6])
            if len(named) == 1:
                return named[0]
            if named:
                raise forms.ValidationError(
                    _("「%(q)s」对应多个案件：%(names)s。请填写其中一个的案件编号。")
                    % {"q": number, "names": "、".join(f"{c.number}（{c.name}）" for c in named[:5])}
                )
            raise forms.ValidationError(
                _("找不到编号或名称为「%(q)s」的案件。请填写案件编号（见案件列表），或案件名称中的词。")
                % {"q": number}
            )
        return case


class ReplyForm(BootstrapMixin, forms.Form):
    """The recipient's reply and the measures it commits to (rows on the page; lines of "问题 | 整改措施 |
    完成时限" still work for older clients)."""

    reply = forms.CharField(label=_l("回复内容"), widget=forms.Textarea(attrs={"rows": 4}))
    measures = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, units: list[Unit] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = list(units or [])
        self.rows = measure_rows(self.data)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            if self.rows:
                data["rows"] = parse_measure_rows(self.rows, self.units)
            else:
                data["rows"] = parse_measure_lines(data.get("measures", ""), self.units)
        except forms.ValidationError as exc:
            self.add_error(None, exc)
        return data


class ProblemListForm(BootstrapMixin, forms.Form):
    """A problem list entered by hand."""

    title = forms.CharField(label=_l("清单名称"), max_length=120)
    source = forms.ChoiceField(
        label=_l("来源"), choices=[c for c in ListSource.choices if c[0] != ListSource.LETTER]
    )
    office = forms.ModelChoiceField(Unit.objects.none(), label=_l("主管扫黑办"))
    sector = forms.ModelChoiceField(
        Sector.objects.filter(is_active=True), label=_l("行业领域"), required=False
    )
    units = ModelMultipleChoiceField(
        Unit.objects.filter(is_active=True).exclude(kind=UnitKind.OFFICE),
        label=_l("责任单位"),
        widget=FilteredSelectMultiple(),
        help_text=_l("在上方输入单位名称筛选，点击即可选中或取消，可选多个。"),
    )
    # Lines of "问题 | 整改措施 | 完成时限" still work (older clients); the page sends rows (measure_rows).
    measures = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = _offices(user)  # type: ignore[attr-defined]
        self.rows = measure_rows(self.data)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        units = list(data.get("units") or [])
        try:
            if self.rows:
                data["rows"] = parse_measure_rows(self.rows, units)
            else:
                data["rows"] = parse_measure_lines(data.get("measures", ""), units)
        except forms.ValidationError as exc:
            self.add_error(None, exc)
            return data
        if not data["rows"]:
            self.add_error(None, _("请至少填写一条整改措施（问题、整改措施和完成时限）。"))
        return data


class ImportForm(BootstrapMixin, forms.Form):
    """Upload of a problem list workbook."""

    title = forms.CharField(label=_l("清单名称"), max_length=120)
    source = forms.ChoiceField(
        label=_l("来源"), choices=[c for c in ListSource.choices if c[0] != ListSource.LETTER]
    )
    office = forms.ModelChoiceField(Unit.objects.none(), label=_l("主管扫黑办"))
    sector = forms.ModelChoiceField(
        Sector.objects.filter(is_active=True), label=_l("行业领域"), required=False
    )
    file = forms.FileField(label=_l("问题清单（.xlsx）"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = _offices(user)  # type: ignore[attr-defined]


class ProgressForm(BootstrapMixin, forms.Form):
    """A progress report with evidence, optionally asking for sign-off."""

    body = forms.CharField(label=_l("进展情况"), widget=forms.Textarea(attrs={"rows": 3}))
    request_completion = forms.BooleanField(label=_l("已完成，申请销号"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReviewForm(BootstrapMixin, forms.Form):
    """The office's sign-off or sending back."""

    approve = forms.TypedChoiceField(
        label=_l("审核"), choices=[("1", _l("同意销号")), ("0", _l("退回"))], coerce=lambda v: v == "1"
    )
    note = forms.CharField(label=_l("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
