"""The form that organises a review campaign."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from taizhang.reviews.choices import Sampling


class CampaignForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("评查名称"), max_length=120)
    period_start = forms.DateField(
        label=gettext_lazy("办结起始日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=gettext_lazy("办结截止日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    include_repeats = forms.BooleanField(
        label=gettext_lazy("纳入办结后被重复举报的线索"), required=False, initial=True
    )
    sampling = forms.ChoiceField(label=gettext_lazy("抽取方式"), choices=Sampling.choices)
    share = forms.IntegerField(
        label=gettext_lazy("抽取比例（%）"), required=False, min_value=1, max_value=100
    )
    size = forms.IntegerField(
        label=gettext_lazy("抽取数量"), required=False, min_value=1, max_value=1_000_000
    )
    seed = forms.IntegerField(
        label=gettext_lazy("随机种子（留空自动生成，用于复核抽样）"),
        required=False,
        min_value=0,
        max_value=2**62 - 1,
    )
