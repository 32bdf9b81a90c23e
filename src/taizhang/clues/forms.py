"""Forms of the clue pages: registering, editing, and one small form per handling step."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taizhang.clues.actions import ReporterData, SubjectData
from taizhang.clues.choices import (
    FACTS_MAX_LENGTH,
    Category,
    Channel,
    FindingResult,
    Priority,
    ReporterKind,
    ReportStage,
    SubjectKind,
    TransferAnswer,
    TransferKind,
)
from taizhang.core import clock
from taizhang.org.choices import InstanceLink, UnitKind
from taizhang.org.models import Sector, Unit, User
from taizhang.org.visibility import scope_of


class BootstrapMixin:
    """Gives every widget the Bootstrap class it needs (no inline styles anywhere)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"


def _sectors() -> Any:
    return Sector.objects.filter(is_active=True).order_by("sort_order", "id")


class ClueFieldsForm(BootstrapMixin, forms.Form):
    """The registered facts of a clue (shared by registering and editing)."""

    channel = forms.ChoiceField(label=_("线索来源"), choices=Channel.choices)
    received_at = forms.DateTimeField(label=_("受理时间"), widget=DateTimeLocalInput())
    source_ref = forms.CharField(label=_("来文编号"), max_length=60, required=False)
    summary = forms.CharField(label=_("主要问题"), max_length=200)
    facts = forms.CharField(
        label=_("反映内容"), max_length=FACTS_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 6})
    )
    sector = forms.ModelChoiceField(label=_("行业领域"), queryset=Sector.objects.none(), required=False)
    place = forms.CharField(label=_("发生地点"), max_length=120, required=False)
    alleges_umbrella = forms.BooleanField(label=_("反映保护伞问题"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = _sectors()  # type: ignore[attr-defined]

    def clean_received_at(self) -> dt.datetime:
        value: dt.datetime = self.cleaned_data["received_at"]
        if value > timezone.now() + dt.timedelta(minutes=5):
            raise forms.ValidationError(_("受理时间不能晚于当前时间。"))
        return value

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields if name in self.cleaned_data}


class RegisterForm(ClueFieldsForm):
    """Registering a clue: its facts plus the optional reporter (identity fields are sealed by the action)."""

    office = forms.ModelChoiceField(label=_("受理机关"), queryset=Unit.objects.none())
    reporter_kind = forms.ChoiceField(
        label=_("举报方式"), choices=ReporterKind.choices, initial=ReporterKind.ANONYMOUS
    )
    reporter_name = forms.CharField(label=_("举报人姓名"), max_length=50, required=False)
    reporter_phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    reporter_id_number = forms.CharField(label=_("身份证号"), max_length=20, required=False)
    reporter_address = forms.CharField(label=_("联系地址"), max_length=120, required=False)
    wants_feedback = forms.BooleanField(label=_("要求反馈办理结果"), required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = scope_of(user)
        # Not a unit standing for another office's own instance: clues are registered in our offices only.
        offices = Unit.objects.filter(kind=UnitKind.OFFICE, is_active=True, instance_link="")
        offices = (
            offices.filter(path__startswith=scope.office_path)
            if scope and scope.office_path
            else offices.none()
        )
        self.fields["office"].queryset = offices  # type: ignore[attr-defined]
        if scope and scope.unit_id:
            self.fields["office"].initial = scope.unit_id
        if not self.is_bound:
            # Most clues are registered as they arrive: 受理时间 starts at now (to the minute), editable.
            self.fields["received_at"].initial = timezone.localtime(clock.now()).replace(
                second=0, microsecond=0
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reporter_kind") == ReporterKind.REAL_NAME and not data.get("reporter_name"):
            self.add_error("reporter_name", _("实名举报须填写举报人姓名。"))
        return data

    def changes(self) -> dict[str, Any]:
        fields = ClueFieldsForm.base_fields
        return {name: self.cleaned_data[name] for name in fields}

    def reporter(self) -> ReporterData:
        data = self.cleaned_data
        identity = {
            key: data.get(f"reporter_{key}", "").strip()
            for key in ("name", "phone", "id_number", "address")
            if data.get(f"reporter_{key}", "").strip()
        }
        return ReporterData(
            kind=data["reporter_kind"], identity=identity, wants_feedback=data["wants_feedback"]
        )


class EditForm(ClueFieldsForm):
    """Correcting a clue's facts; `version` is the copy the person started from (a stale save is refused)."""

    version = forms.IntegerField(widget=forms.HiddenInput())


class SubjectForm(BootstrapMixin, forms.Form):
    """One reported person or organisation."""

    kind = forms.ChoiceField(label=_("类型"), choices=SubjectKind.choices, initial=SubjectKind.PERSON)
    name = forms.CharField(label=_("姓名/名称"), max_length=100)
    position = forms.CharField(label=_("身份/职务"), max_length=100, required=False)
    unit_name = forms.CharField(
        label=_("所在单位"),
        max_length=100,
        required=False,
        # The unit tree's names as suggestions while typing (the datalist on the registration page).
        widget=forms.TextInput(attrs={"list": "tz-unit-names"}),
        help_text=_("系统按单位名称、简称和别名自动匹配本系统单位并设置回避。"),
    )
    is_official = forms.BooleanField(label=_("公职人员"), required=False)
    id_fragment = forms.CharField(label=_("身份证号（部分）"), max_length=20, required=False)
    phone_fragment = forms.CharField(label=_("电话（部分）"), max_length=20, required=False)

    def subject(self) -> SubjectData:
        d = self.cleaned_data
        return SubjectData(
            name=d["name"],
            kind=d["kind"],
            position=d.get("position", ""),
            unit_name=d.get("unit_name", ""),
            is_official=d.get("is_official", False),
            id_fragment=d.get("id_fragment", ""),
            phone_fragment=d.get("phone_fragment", ""),
        )


class BaseSubjectFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        super().clean()
        if not any(f.cleaned_data and not f.cleaned_data.get("DELETE") for f in self.forms):
            raise forms.ValidationError(_("请至少填写一个被举报对象。"))

    def subjects(self) -> list[SubjectData]:
        return [f.subject() for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


SubjectFormSet = forms.formset_factory(
    SubjectForm, formset=BaseSubjectFormSet, extra=0, min_num=1, can_delete=True, max_num=50
)


# --- handling steps -----------------------------------------------------------------------------------


class VersionedStepForm(BootstrapMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput(), required=False)


class TriageForm(VersionedStepForm):
    in_scope = forms.TypedChoiceField(
        label=_("分流意见"),
        choices=[("1", _("属于涉黑涉恶，予以受理")), ("0", _("不属于涉黑涉恶，转有关部门"))],
        coerce=lambda v: v == "1",
        initial="1",
    )
    category = forms.ChoiceField(label=_("线索类别"), choices=[("", "—"), *Category.choices], required=False)
    priority = forms.ChoiceField(label=_("优先级"), choices=Priority.choices, initial=Priority.NORMAL)
    sector = forms.ModelChoiceField(label=_("行业领域"), queryset=Sector.objects.none(), required=False)
    referred_to = forms.CharField(label=_("转办单位"), max_length=100, required=False)
    note = forms.CharField(label=_("分流意见说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = _sectors()  # type: ignore[attr-defined]


def _assignable_units(user: Any) -> Any:
    return Unit.objects.visible_to(user).filter(is_active=True).exclude(kind=UnitKind.OFFICE).order_by("path")


def people_of(units: Any, chosen: Any) -> Any:
    """The active people of the chosen unit among `units` (none when no unit is chosen)."""
    try:
        unit_id = int(chosen)
    except (TypeError, ValueError):
        return User.objects.none()
    return User.objects.filter(unit__in=units.filter(pk=unit_id), is_active=True).order_by("username")


def assignable_people(user: Any, chosen: Any) -> Any:
    """The 责任人 choices for a 责任单位 the person may assign to."""
    return people_of(_assignable_units(user), chosen)


class AssignForm(VersionedStepForm):
    unit = forms.ModelChoiceField(label=_("责任单位"), queryset=Unit.objects.none())
    person = forms.ModelChoiceField(label=_("责任人"), queryset=User.objects.none(), required=False)
    due = forms.DateField(
        label=_("办理时限"), required=False, widget=DateInput(), help_text=_("不填则按规定时限自动计算。")
    )
    instructions = forms.CharField(
        label=_("交办要求"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = _assignable_units(user)
        # A lower office running its own instance takes clues too (they leave as a package, docs/exchange.md);
        # share_unit_choices reads the same list.
        lower = Unit.objects.visible_to(user).filter(is_active=True, instance_link=InstanceLink.CHILD)
        self.fields["unit"].queryset = (units | lower).order_by("path")  # type: ignore[attr-defined]
        # 责任人 lists the people of the chosen 责任单位 only (the page refreshes the list when the unit
        # changes, clues:assign_people); nobody until a unit is chosen.
        chosen = self.data.get(self.add_prefix("unit")) if self.is_bound else self.initial.get("unit")
        self.fields["person"].queryset = people_of(units, chosen)  # type: ignore[attr-defined]
        self.fields["person"].empty_label = _("（先选择责任单位；可不指定）")  # type: ignore[attr-defined]
        self.fields["unit"].widget.attrs.update(
            {
                "hx-get": reverse("clues:assign_people"),
                "hx-target": "#"
                + (self.auto_id if isinstance(self.auto_id, str) else "id_%s") % self.add_prefix("person"),
                "hx-trigger": "change",
                "hx-swap": "innerHTML",
            }
        )

    def due_at(self) -> dt.datetime | None:
        day = self.cleaned_data.get("due")
        if not day:
            return None
        return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def share_unit_choices(step_forms: list[Any], user: Any) -> None:
    """The step forms of one page (assign, reassign, transfer, recuse) offer their units from one query: the
    units the person may assign to with the lower instances (AssignForm's list); the others offer the same
    list less the offices (exactly `_assignable_units`). For unbound forms, shown on the clue's page."""
    fields = [
        (form, form.fields[name])
        for form in step_forms
        for name in ("unit", "receiver_unit")
        if isinstance(form.fields.get(name), forms.ModelChoiceField)
        and form.fields[name].queryset.model is Unit
    ]
    if len(fields) == 1:
        # One list: read as a plain query (a ModelChoiceField reads its own through a server-side cursor on
        # PostgreSQL: three round trips).
        _offer(fields[0][1], list(fields[0][1].queryset))
    if len(fields) < 2:
        return
    units = _assignable_units(user)
    lower = Unit.objects.visible_to(user).filter(is_active=True, instance_link=InstanceLink.CHILD)
    rows = list((units | lower).order_by("path"))
    for form, field in fields:
        _offer(
            field, rows if isinstance(form, AssignForm) else [u for u in rows if u.kind != UnitKind.OFFICE]
        )


def _offer(field: Any, units: list[Unit]) -> None:
    """The field's choices as its own iterator would list them, from units already read."""
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    field.choices = [*empty, *((u.pk, field.label_from_instance(u)) for u in units)]


class ReassignForm(AssignForm):
    reason = forms.CharField(label=_("改派理由"), widget=forms.Textarea(attrs={"rows": 2}))


class StageReportForm(BootstrapMixin, forms.Form):
    stage = forms.ChoiceField(
        label=_("回告阶段"),
        choices=[(ReportStage.FIRST, _("首次回告")), (ReportStage.PROGRESS, _("二次回告"))],
    )
    body = forms.CharField(label=_("回告内容"), widget=forms.Textarea(attrs={"rows": 3}))


class FindingForm(BootstrapMixin, forms.Form):
    result = forms.ChoiceField(label=_("核查结论"), choices=FindingResult.choices)
    basis = forms.CharField(label=_("核查情况及依据"), widget=forms.Textarea(attrs={"rows": 4}))


class SignForm(BootstrapMixin, forms.Form):
    approve = forms.TypedChoiceField(
        label=_("签字背书"),
        choices=[("1", _("同意，签字背书")), ("0", _("不同意，退回承办人"))],
        coerce=lambda v: v == "1",
        initial="1",
    )
    note = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReviewForm(VersionedStepForm):
    accept = forms.TypedChoiceField(
        label=_("审核意见"),
        choices=[("1", _("审核通过")), ("0", _("退查"))],
        coerce=lambda v: v == "1",
        initial="1",
    )
    note = forms.CharField(
        label=_("审核说明/退查理由"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class TransferForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("移送类型"), choices=TransferKind.choices)
    receiver_unit = forms.ModelChoiceField(label=_("接收单位"), queryset=Unit.objects.none())
    letter_number = forms.CharField(label=_("移送函文号"), max_length=60, required=False)
    evidence_list = forms.CharField(
        label=_("移送材料清单"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    note = forms.CharField(label=_("移送说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["receiver_unit"].queryset = _assignable_units(user)  # type: ignore[attr-defined]


class AnswerTransferForm(BootstrapMixin, forms.Form):
    transfer = forms.IntegerField(widget=forms.HiddenInput())
    answer = forms.ChoiceField(
        label=_("答复"), choices=[c for c in TransferAnswer.choices if c[0] != TransferAnswer.PENDING]
    )
    case_reference = forms.CharField(label=_("立案/案件编号"), max_length=60, required=False)
    note = forms.CharField(label=_("答复说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class OutcomeForm(BootstrapMixin, forms.Form):
    transfer = forms.IntegerField(widget=forms.HiddenInput())
    body = forms.CharField(label=_("办理结果"), widget=forms.Textarea(attrs={"rows": 2}))


class ConcludeForm(VersionedStepForm):
    note = forms.CharField(label=_("办结说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RecuseForm(VersionedStepForm):
    """The office recuses a unit by hand (回避): it and the units under it stop seeing the clue."""

    unit = forms.ModelChoiceField(label=_("回避单位"), queryset=Unit.objects.none())
    reason = forms.CharField(label=_("回避理由"), max_length=200)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _assignable_units(user)  # type: ignore[attr-defined]


class ReopenForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("重新启动理由"), widget=forms.Textarea(attrs={"rows": 2}))


class LinkForm(BootstrapMixin, forms.Form):
    other = forms.CharField(label=_("关联线索编号"), max_length=40)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class MergeForm(BootstrapMixin, forms.Form):
    into = forms.CharField(label=_("并入线索编号"), max_length=40)
    note = forms.CharField(label=_("串并说明"), max_length=200, required=False)


class AttachmentForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("附件"))


class ImportForm(BootstrapMixin, forms.Form):
    office = forms.ModelChoiceField(label=_("受理机关"), queryset=Unit.objects.none())
    file = forms.FileField(label=_("台账文件（.xlsx）"))

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = scope_of(user)
        offices = Unit.objects.filter(kind=UnitKind.OFFICE, is_active=True)
        offices = (
            offices.filter(path__startswith=scope.office_path)
            if scope and scope.office_path
            else offices.none()
        )
        self.fields["office"].queryset = offices  # type: ignore[attr-defined]
        if scope and scope.unit_id:
            self.fields["office"].initial = scope.unit_id
