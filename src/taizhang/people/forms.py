"""Forms of the people pages: a relation between two entities, the graph's filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from taizhang.people.choices import RelationKind
from taizhang.people.reading import CO_RECORD


class RelationForm(forms.Form):
    """A relation from the entity on the page to another one, with the record that states it."""

    target = forms.IntegerField(
        label=_("对方编号"),
        min_value=1,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
    )
    kind = forms.ChoiceField(
        label=_("关系类型"),
        choices=RelationKind.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    clue_number = forms.CharField(
        label=_("依据线索编号"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    case_number = forms.CharField(
        label=_("依据案件编号"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    note = forms.CharField(
        label=_("说明"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )


def graph_kinds() -> list[tuple[str, str]]:
    return [(CO_RECORD, str(_("同一线索/案件"))), *[(v, str(label)) for v, label in RelationKind.choices]]


class GraphForm(forms.Form):
    """The graph's depth, relation types and period."""

    depth = forms.TypedChoiceField(
        label=_("层数"),
        choices=[(1, "1"), (2, "2"), (3, "3")],
        coerce=int,
        initial=1,
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    kinds = forms.MultipleChoiceField(
        label=_("关系类型"), choices=graph_kinds, required=False, widget=forms.CheckboxSelectMultiple
    )
    since = forms.DateField(
        label=_("自"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}),
    )
    until = forms.DateField(
        label=_("至"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}),
    )
