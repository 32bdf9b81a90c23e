"""Forms of the case pages; they only parse input, the actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from taizhang.cases.choices import CaseStage, OrgType, Screening
from taizhang.clues.forms import BootstrapMixin
from taizhang.clues.models import Clue
from taizhang.core.formfields import FilteredSelectMultiple, ModelMultipleChoiceField, TypedDateField
from taizhang.org.choices import UnitKind
from taizhang.org.models import Sector, Unit


class CaseForm(BootstrapMixin, forms.Form):
    """Register or edit a case."""

    office = forms.ModelChoiceField(Unit.objects.none(), label=_("主管扫黑办"))
    name = forms.CharField(label=_("案件名称"), max_length=120)
    org_type = forms.ChoiceField(label=_("组织类型"), choices=OrgType.choices)
    sector = forms.ModelChoiceField(
        Sector.objects.filter(is_active=True), label=_("行业领域"), required=False
    )
    handling_units = ModelMultipleChoiceField(
        Unit.objects.none(),
        label=_("承办单位"),
        required=False,
        widget=FilteredSelectMultiple(),
        help_text=_("在上方输入单位名称筛选，点击即可选中或取消，可选多个。"),
    )
    clue_numbers = forms.CharField(
        label=_("关联线索编号"), required=False, help_text=_("多个编号用逗号或空格分隔。")
    )
    brief = forms.CharField(label=_("简要案情"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    persons_caught = forms.IntegerField(label=_("抓获人数"), min_value=0, initial=0)
    fugitives_caught = forms.IntegerField(label=_("缉拿逃犯人数"), min_value=0, initial=0)
    fugitives_at_large = forms.IntegerField(label=_("在逃人数"), min_value=0, initial=0)
    assets_seized = forms.DecimalField(
        label=_("查封扣押资产（元）"), min_value=0, decimal_places=2, initial=0
    )
    assets_frozen = forms.DecimalField(label=_("冻结资产（元）"), min_value=0, decimal_places=2, initial=0)
    assets_confiscated = forms.DecimalField(
        label=_("没收资产（元）"), min_value=0, decimal_places=2, initial=0
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        units = Unit.objects.filter(is_active=True)
        offices = units.filter(kind=UnitKind.OFFICE)
        if user.unit and user.unit.kind != UnitKind.OFFICE:
            offices = offices.filter(pk=user.unit.office().pk if user.unit.office() else 0)
        else:
            offices = offices.filter(path__startswith=user.unit.path if user.unit else "-")
        self.fields["office"].queryset = offices  # type: ignore[attr-defined]
        self.fields["handling_units"].queryset = units.exclude(kind=UnitKind.OFFICE)  # type: ignore[attr-defined]

    def clean_clue_numbers(self) -> list[Clue]:
        raw = (self.cleaned_data.get("clue_numbers") or "").replace("，", ",").replace(",", " ").split()
        if not raw:
            return []
        found = list(Clue.objects.visible_to(self.user).filter(number__in=raw))
        missing = set(raw) - {c.number for c in found}
        if missing:
            raise forms.ValidationError(_("找不到线索：%(n)s") % {"n": "、".join(sorted(missing))})
        return found


class StageForm(BootstrapMixin, forms.Form):
    """Record the next stage of a case."""

    stage = forms.ChoiceField(
        label=_("诉讼阶段"), choices=[c for c in CaseStage.choices if c[0] != "registered"]
    )
    occurred_on = TypedDateField(label=_("日期"))
    judged_on = TypedDateField(label=_("宣判日期（一审、二审）"), required=False)
    persons = forms.IntegerField(label=_("人数"), min_value=0, initial=0)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ScreeningForm(BootstrapMixin, forms.Form):
    """逐案过筛 result."""

    result = forms.ChoiceField(
        label=_("过筛结果"), choices=[c for c in Screening.choices if c[0] != "unscreened"]
    )
    note = forms.CharField(
        label=_("过筛情况（发现线索时写明线索内容）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
