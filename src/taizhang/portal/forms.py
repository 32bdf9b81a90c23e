"""Forms of the public portal (the 12337 structure: 举报人, 被举报人, 违法犯罪情况, “保护伞”情况).

The same forms serve the combined site and the internet portal site, which has no ledger: so nothing here
imports a ledger model. A valid form gives a `payload()`, plain JSON, that the combined site registers at
once (portal.actions) and the portal site seals for the ferry (gate.actions); the ledger registers it on import.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from taizhang.clues.choices import ReporterKind, SubjectKind

SUBJECT_ROWS = 3


def style_widgets(form: forms.Form | type[forms.Form]) -> None:
    """Bootstrap classes on every widget (the public pages load the vendored Bootstrap, nothing else).

    Given a form class, its fields are styled once for every form made from it.
    """
    fields = form.base_fields if isinstance(form, type) else form.fields
    for field in fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput | forms.RadioSelect):
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)


class GuardedForm(forms.Form):
    """Every public form carries a proof-of-work challenge and a honeypot field people never see."""

    challenge = forms.CharField(widget=forms.HiddenInput, required=False, max_length=300)
    pow_answer = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)
    # Hidden from people by CSS; a bot filling every field fills this too.
    website = forms.CharField(
        label=_("请勿填写此项"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


class ReportForm(GuardedForm):
    """A public report; the reporter part may stay empty (anonymous)."""

    reporter_kind = forms.ChoiceField(
        label=_("举报方式"),
        choices=ReporterKind.choices,
        initial=ReporterKind.ANONYMOUS,
        widget=forms.RadioSelect,
    )
    reporter_name = forms.CharField(label=_("姓名"), required=False, max_length=50)
    reporter_phone = forms.CharField(label=_("联系电话"), required=False, max_length=30)
    reporter_id_number = forms.CharField(label=_("身份证号码"), required=False, max_length=30)
    reporter_address = forms.CharField(label=_("联系地址"), required=False, max_length=200)
    wants_feedback = forms.BooleanField(label=_("希望得到办理结果反馈"), required=False)

    umbrella_name = forms.CharField(label=_("涉嫌充当“保护伞”的人员姓名"), required=False, max_length=100)
    umbrella_position = forms.CharField(label=_("其单位及职务"), required=False, max_length=100)
    umbrella_details = forms.CharField(
        label=_("“保护伞”问题的具体情况"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    summary = forms.CharField(label=_("反映的主要问题（一句话）"), max_length=100)
    happened_when = forms.CharField(label=_("发生时间"), required=False, max_length=100)
    place = forms.CharField(label=_("发生地点"), required=False, max_length=120)
    facts = forms.CharField(
        label=_("主要事实"),
        min_length=10,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("请尽量写清：谁、在什么时间和地点、做了什么、造成了什么后果，有哪些证据或知情人。"),
    )
    sector = forms.ChoiceField(
        label=_("涉及行业领域"),
        # A callable: read when the form is rendered or checked, never at import.
        choices=lambda: sector_choices(),
        required=False,
    )
    passphrase = forms.CharField(
        label=_("自设查询密码（可留空，由系统生成）"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def subject_rows(self) -> list[list[forms.BoundField]]:
        names = ("kind", "name", "position", "unit_name")
        return [[self[f"subject_{i}_{n}"] for n in names] for i in range(SUBJECT_ROWS)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reporter_kind") == ReporterKind.REAL_NAME and not data.get("reporter_name", "").strip():
            self.add_error("reporter_name", _("实名举报请填写姓名。"))
        return data

    def payload(self) -> dict[str, Any]:
        """What the citizen submitted, as plain JSON (subjects, 保护伞, facts, sector code, reporter)."""
        d = self.cleaned_data
        subjects = [
            {
                "name": d[f"subject_{i}_name"].strip(),
                "kind": d[f"subject_{i}_kind"] or SubjectKind.PERSON,
                "position": d[f"subject_{i}_position"].strip(),
                "unit_name": d[f"subject_{i}_unit_name"].strip(),
                "is_official": False,
            }
            for i in range(SUBJECT_ROWS)
            if d.get(f"subject_{i}_name", "").strip()
        ]
        if d["umbrella_name"].strip():
            subjects.append(
                {
                    "name": d["umbrella_name"].strip(),
                    "kind": SubjectKind.PERSON,
                    "position": d["umbrella_position"].strip(),
                    "unit_name": "",
                    "is_official": True,
                }
            )
        real = d["reporter_kind"] == ReporterKind.REAL_NAME
        identity = {
            key: d[f"reporter_{key}"].strip()
            for key in ("name", "phone", "id_number", "address")
            if real and d[f"reporter_{key}"].strip()
        }
        umbrella = d["umbrella_details"].strip()
        if d["umbrella_name"].strip() and not umbrella:
            umbrella = f"{d['umbrella_name'].strip()} {d['umbrella_position'].strip()}".strip()
        return {
            "summary": d["summary"].strip(),
            "facts": d["facts"].strip(),
            "happened_when": d["happened_when"].strip(),
            "place": d["place"].strip(),
            "subjects": subjects,
            "umbrella_details": umbrella,
            "sector": d.get("sector") or "",
            "reporter": {
                "kind": ReporterKind.REAL_NAME if real else ReporterKind.ANONYMOUS,
                "identity": identity,
                "wants_feedback": bool(real and d["wants_feedback"]),
            },
        }


def sector_choices() -> list[tuple[str, str]]:
    """Sector codes and names: the ledger's active sectors, or on the portal site the list the ledger sent."""
    if settings.SITE == "portal":
        from taizhang.gate.models import SectorOption

        rows = list(SectorOption.objects.values_list("code", "name"))
    else:
        from taizhang.org.models import Sector

        rows = list(
            Sector.objects.filter(is_active=True).order_by("sort_order", "id").values_list("code", "name")
        )
    return [("", str(_("不清楚 / 其他"))), *rows]


def _add_subject_fields(fields: dict[str, forms.Field]) -> None:
    """The subject rows, built once with the class (a form copies its class's fields per request)."""
    for i in range(SUBJECT_ROWS):
        fields[f"subject_{i}_kind"] = forms.ChoiceField(
            label=_("类型"), choices=SubjectKind.choices, initial=SubjectKind.PERSON, required=False
        )
        fields[f"subject_{i}_name"] = forms.CharField(
            label=_("姓名或单位名称"), required=(i == 0), max_length=100
        )
        fields[f"subject_{i}_position"] = forms.CharField(
            label=_("身份/职务/绰号"), required=False, max_length=100
        )
        fields[f"subject_{i}_unit_name"] = forms.CharField(
            label=_("所在单位或地址"), required=False, max_length=100
        )


_add_subject_fields(ReportForm.base_fields)
style_widgets(ReportForm)


class FollowupForm(GuardedForm):
    """Receipt code and passphrase."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)

    code = forms.CharField(
        label=_("回执码（16位数字）"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    passphrase = forms.CharField(
        label=_("查询密码"), max_length=200, widget=forms.PasswordInput(attrs={"autocomplete": "off"})
    )


class MessageForm(GuardedForm):
    """More information from the reporter (files come from the multiple file input), under the same
    proof-of-work and honeypot as a new report: a follow-up may carry as many files."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)

    body = forms.CharField(
        label=_("补充内容"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
