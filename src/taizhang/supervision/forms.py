"""Forms of the supervision pages (validation only; the actions decide)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from taizhang.org.models import Unit, User
from taizhang.supervision.choices import ListingLevel


class _Bootstrap:
    def _style(self) -> None:
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            widget.attrs.setdefault("class", css)


class ExtensionRequestForm(_Bootstrap, forms.Form):
    days = forms.IntegerField(label=_("申请延期天数（自然日）"), min_value=1, max_value=365)
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class ExtensionDecisionForm(_Bootstrap, forms.Form):
    approve = forms.TypedChoiceField(
        label=_("审批意见"),
        choices=[("1", _("批准")), ("0", _("不予批准"))],
        coerce=lambda v: v == "1",
    )
    days = forms.IntegerField(label=_("批准天数（留空按申请）"), min_value=1, required=False)
    note = forms.CharField(label=_("审批说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class UrgingForm(_Bootstrap, forms.Form):
    note = forms.CharField(label=_("催办内容"), widget=forms.Textarea(attrs={"rows": 3}))
    reply_workdays = forms.IntegerField(label=_("限期回复（工作日）"), min_value=1, max_value=30, initial=2)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class ListingForm(_Bootstrap, forms.Form):
    level = forms.ChoiceField(label=_("挂牌级别"), choices=ListingLevel.choices)
    authority = forms.CharField(label=_("挂牌机关"), max_length=100)
    document_number = forms.CharField(label=_("督办文号"), max_length=60, required=False)
    deadline_at = forms.DateTimeField(
        label=_("督办时限"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    reason = forms.CharField(label=_("督办事由"), widget=forms.Textarea(attrs={"rows": 2}))
    requirements = forms.CharField(
        label=_("督办要求"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class LiftForm(_Bootstrap, forms.Form):
    note = forms.CharField(label=_("摘牌说明"), widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class _UnitForm(_Bootstrap, forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=Unit.objects.none())

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.visible_to(user).filter(is_active=True).exclude(kind="office")
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self._style()


class TalkForm(_UnitForm):
    persons = forms.CharField(label=_("被约谈人（姓名、职务）"), max_length=200)
    conducted_by = forms.CharField(label=_("约谈人"), max_length=200)
    held_at = forms.DateTimeField(
        label=_("约谈时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label=_("约谈地点"), max_length=100, required=False)
    reason = forms.CharField(label=_("约谈事由"), widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.CharField(
        label=_("约谈结果及整改要求"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PointNoticeForm(_UnitForm):
    title = forms.CharField(label=_("通报标题"), max_length=120)
    body = forms.CharField(label=_("通报内容"), widget=forms.Textarea(attrs={"rows": 4}))


class TaskForm(_UnitForm):
    title = forms.CharField(label=_("任务"), max_length=200)
    detail = forms.CharField(label=_("要求"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    owner_person = forms.ModelChoiceField(label=_("责任人"), queryset=User.objects.none(), required=False)
    due_at = forms.DateTimeField(
        label=_("办理时限"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)
        units = self.fields["unit"].queryset  # type: ignore[attr-defined]
        self.fields["owner_person"].queryset = User.objects.filter(unit__in=units, is_active=True)  # type: ignore[attr-defined]
        self.fields["unit"].label = _("责任单位")


class TaskDoneForm(_Bootstrap, forms.Form):
    result = forms.CharField(label=_("办理结果"), widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class MeetingForm(_Bootstrap, forms.Form):
    title = forms.CharField(label=_("会议名称"), max_length=120)
    starts_at = forms.DateTimeField(
        label=_("召开时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    location = forms.CharField(label=_("地点"), max_length=100, required=False)
    agenda = forms.CharField(label=_("议程"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class SeriesForm(_Bootstrap, forms.Form):
    title = forms.CharField(label=_("例会名称"), max_length=100)
    starts_on = forms.DateField(label=_("首次日期"), widget=forms.DateInput(attrs={"type": "date"}))
    interval_weeks = forms.IntegerField(label=_("每几周一次"), min_value=1, max_value=12, initial=2)
    start_time = forms.TimeField(
        label=_("开始时间"), initial="09:30", widget=forms.TimeInput(attrs={"type": "time"})
    )
    location = forms.CharField(label=_("地点"), max_length=100, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class MinutesForm(_Bootstrap, forms.Form):
    chair = forms.CharField(label=_("主持人"), max_length=50, required=False)
    agenda = forms.CharField(label=_("议程"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    minutes = forms.CharField(label=_("会议纪要"), widget=forms.Textarea(attrs={"rows": 5}))
    attendees = forms.CharField(
        label=_("参会人员（每行一人：姓名 单位）"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    absent = forms.CharField(
        label=_("缺席人员（每行一人）"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    decisions = forms.CharField(
        label=_("议定事项（每行一项）"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._style()
