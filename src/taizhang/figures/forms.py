"""Forms of the figures-from-text pages: the source text, each reviewed figure, and where to apply them."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from taizhang.pure.catalogue import CATALOGUE

UNIT_CHOICES = [(u, u) for u in ("个", "件", "人", "条", "元", "%")]
INDICATOR_CHOICES = [(i.code, f"{i.name}（{i.code}）") for i in CATALOGUE]


class SourceForm(forms.Form):
    """A pasted text or an uploaded report."""

    text = forms.CharField(label=_("粘贴文本"), required=False, widget=forms.Textarea(attrs={"rows": 10}))
    file = forms.FileField(label=_("或上传文件（.txt / .docx）"), required=False)

    def clean(self) -> dict:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None:
            if not upload.name.lower().endswith((".txt", ".docx")):
                raise forms.ValidationError(_("只支持 .txt 和 .docx 文件。"))
            if upload.size > 5 * 1024 * 1024:
                raise forms.ValidationError(_("文件不能超过 5 MB。"))
        elif not (data.get("text") or "").strip():
            raise forms.ValidationError(_("请粘贴文本或上传文件。"))
        return data

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        _bootstrap(self)


class FigureForm(forms.Form):
    """One figure as the person corrected it; unticked figures are dropped."""

    keep = forms.BooleanField(label=_("采用"), required=False, initial=True)
    indicator = forms.ChoiceField(label=_("指标"), choices=INDICATOR_CHOICES)
    value = forms.DecimalField(label=_("数值"), min_value=0, max_digits=20, decimal_places=4)
    unit = forms.ChoiceField(label=_("单位"), choices=UNIT_CHOICES)
    approx = forms.BooleanField(label=_("约数"), required=False)
    text = forms.CharField(widget=forms.HiddenInput, required=False, max_length=300)
    sentence = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        _bootstrap(self)


def _bootstrap(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select) and not isinstance(widget, forms.RadioSelect):
            widget.attrs.setdefault("class", "form-select form-select-sm")
        elif not isinstance(widget, (forms.HiddenInput, forms.RadioSelect)):
            widget.attrs.setdefault("class", "form-control form-control-sm")


FigureFormSet = forms.formset_factory(FigureForm, extra=0, max_num=200, validate_max=True)


class TargetForm(forms.Form):
    """Where the reviewed figures go: a draft periodic report of the person's unit, or a legacy record."""

    target = forms.ChoiceField(
        label=_("用于"),
        choices=[("report", _("填入本单位报送草稿")), ("legacy", _("录入历史数据"))],
        widget=forms.RadioSelect,
    )
    report = forms.TypedChoiceField(label=_("报送草稿"), coerce=int, required=False, choices=[])
    period_start = forms.DateField(
        label=_("期初"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=_("期末"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    source = forms.CharField(label=_("数据来源"), required=False, max_length=200)

    def __init__(self, *args: object, reports: list[tuple[int, str]] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["report"].choices = [("", "—"), *(reports or [])]  # type: ignore[attr-defined]
        _bootstrap(self)

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("target") == "report" and not data.get("report"):
            self.add_error("report", _("请选择报送草稿。"))
        if data.get("target") == "legacy":
            for name in ("period_start", "period_end", "source"):
                if not data.get(name):
                    self.add_error(name, _("录入历史数据须填写此项。"))
        return data
