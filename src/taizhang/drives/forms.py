"""The return form: counts, 零报告 with the leader's name, and one finding per line (类型|领域|摘要|涉及对象)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang.core.formfields import ModelMultipleChoiceField
from taizhang.drives.actions import FindingData
from taizhang.drives.choices import DriveKind, FindingKind
from taizhang.org.models import Sector, Unit

KIND_WORDS = {"线索": FindingKind.CLUE, "问题": FindingKind.PROBLEM}


class ReturnForm(forms.Form):
    items_checked = forms.IntegerField(label=gettext_lazy("排查对象数"), min_value=0, max_value=10_000_000)
    is_zero = forms.BooleanField(label=gettext_lazy("零报告（本轮未发现问题和线索）"), required=False)
    leader_name = forms.CharField(label=gettext_lazy("单位负责人"), max_length=50, required=False)
    findings = forms.CharField(
        label=gettext_lazy("发现的问题和线索"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("每行一条：类型（线索/问题）|领域|问题摘要|涉及对象（可空）"),
    )
    note = forms.CharField(
        label=gettext_lazy("排查情况"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, sectors: dict[str, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sectors = sectors

    def clean_findings(self) -> list[FindingData]:
        rows = []
        for number, line in enumerate((self.cleaned_data.get("findings") or "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("｜", "|").split("|")]
            if len(parts) < 3:
                raise forms.ValidationError(
                    _("第%(n)s行：请按“类型|领域|问题摘要|涉及对象”填写。") % {"n": number}
                )
            kind = KIND_WORDS.get(parts[0])
            if kind is None:
                raise forms.ValidationError(_("第%(n)s行：类型须为“线索”或“问题”。") % {"n": number})
            sector = self.sectors.get(parts[1])
            if sector is None:
                raise forms.ValidationError(
                    _("第%(n)s行：领域“%(s)s”不在本次排查范围内。") % {"n": number, "s": parts[1]}
                )
            rows.append(FindingData(kind, sector, parts[2], subject_names=parts[3] if len(parts) > 3 else ""))
        return rows


class DriveForm(forms.Form):
    """A new drive, offered units and sectors of the office the person works in."""

    title = forms.CharField(label=gettext_lazy("排查名称"), max_length=120)
    kind = forms.ChoiceField(label=gettext_lazy("排查类型"), choices=DriveKind.choices)
    lead_unit = forms.ModelChoiceField(label=gettext_lazy("牵头单位"), queryset=Unit.objects.none())
    units = ModelMultipleChoiceField(
        label=gettext_lazy("参加单位"), queryset=Unit.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    sectors = ModelMultipleChoiceField(
        label=gettext_lazy("排查领域"),
        queryset=Sector.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )
    starts_on = forms.DateField(
        label=gettext_lazy("开始日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label=gettext_lazy("结束日期"), widget=forms.DateInput(attrs={"type": "date"}))
    interval_days = forms.IntegerField(
        label=gettext_lazy("滚动周期（天，仅滚动排查）"), required=False, min_value=1, max_value=366
    )
    return_days = forms.IntegerField(
        label=gettext_lazy("报送期限（开始后天数）"), initial=7, min_value=1, max_value=90
    )
    requirements = forms.CharField(label=gettext_lazy("报送要求"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, office: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tree = Unit.objects.filter(path__startswith=office.path, is_active=True).order_by("path")
        self.fields["lead_unit"].queryset = tree  # type: ignore[attr-defined]
        self.fields["units"].queryset = tree.exclude(pk=office.pk)  # type: ignore[attr-defined]
