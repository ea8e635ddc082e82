from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from sathach.campaigns.models import (
    AWARD_AUTHORITIES,
    AwardAuthority,
    Campaign,
    FacilityItem,
    Result,
    SigningDevice,
)
from sathach.core.forms import DATE_INPUT_FORMATS
from sathach.organization.forms import UnitChoiceField
from sathach.organization.models import LEADER_POSITIONS, AdministrativeUnit, Person, Position
from sathach.organization.permissions import Perm, campaign_issuers_for_user, units_for_user
from sathach.signatures.uploads import looks_like_pdf, pdf_upload_error

TIE_BREAKER_CHOICES = [
    ("participants,facilities", _("More leaders tested, then better facilities")),
    ("facilities,participants", _("Better facilities, then more leaders tested")),
    ("participants", _("More leaders tested only")),
    ("facilities", _("Better facilities only")),
    ("", _("No tie-break: the council decides every tie")),
]
# Objective keys a campaign may add after the order above (docs/RANKING.md).
FURTHER_TIE_BREAKER_CHOICES = [
    ("", _("None")),
    ("mean_score", _("Higher mean score of the tested leaders")),
    ("women", _("Higher share of women among the leaders")),
    ("mean_score,women", _("Higher mean score, then higher share of women")),
    ("women,mean_score", _("Higher share of women, then higher mean score")),
]
FURTHER = ("mean_score", "women")


class DateInput(forms.DateInput):
    input_type = "text"

    def __init__(self) -> None:
        super().__init__(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"})


def _date(label: Any, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, input_formats=DATE_INPUT_FORMATS, widget=DateInput()
    )


class CampaignForm(forms.ModelForm):
    issuing_unit = UnitChoiceField(
        label=_("Issuing unit"), queryset=AdministrativeUnit.objects.none()
    )
    issued_on = _date(_("Date issued"), required=True)
    preparation_deadline = _date(_("Readiness deadline"))
    test_start = _date(_("Test from"))
    test_end = _date(_("Test until"))
    results_due = _date(_("Results due"))
    tie_break_order = forms.ChoiceField(
        label=_("Tie-break order"), choices=TIE_BREAKER_CHOICES, required=False
    )
    further_tie_breaks = forms.ChoiceField(
        label=_("Then, if still tied"),
        choices=FURTHER_TIE_BREAKER_CHOICES,
        required=False,
        help_text=_(
            "Mean score: the mean percentage of both contents over the leaders who took the "
            "test, compared exactly. Share of women: women among the commune's leaders; "
            "clause 6 of Article 4 of Decree 152/2025/NĐ-CP gives priority to women and to "
            "collectives with at least 70% women when several qualify equally. A tie left "
            "after every key goes to the council."
        ),
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("Participating communes"),
        queryset=AdministrativeUnit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave empty for every commune of the issuing unit."),
    )

    class Meta:
        model = Campaign
        fields = [
            "code",
            "title",
            "issuing_unit",
            "issued_on",
            "participation_target",
            "pass_target",
            "device_target",
            "awards",
            "award_authority",
            "preparation_deadline",
            "test_start",
            "test_end",
            "results_due",
        ]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = units_for_user(user, Perm.MANAGE_CAMPAIGN)
        issuing: Any = self.fields["issuing_unit"]
        issuing.queryset = campaign_issuers_for_user(user)
        participants: Any = self.fields["participants"]
        participants.queryset = scope.filter(level=AdministrativeUnit.Level.COMMUNE).order_by(
            "code"
        )
        award: Any = self.fields["award_authority"]
        award.help_text = _(
            "A province awards a Bằng khen of its Chairman or a Giấy khen of the Director of "
            "the Department of Home Affairs; a district or a commune a Giấy khen of its "
            "Chairman. Empty: the Chairman of the issuing unit."
        )
        if self.instance.pk:
            allowed = AWARD_AUTHORITIES[self.instance.issuing_unit.level]
            award.choices = [(a, AwardAuthority(a).label) for a in allowed]
            award.required = True
            self.fields.pop("issuing_unit")
            self.initial["participants"] = list(self.instance.participants.all())
            breakers = list(self.instance.tie_breakers)
            self.initial["tie_break_order"] = ",".join(b for b in breakers if b not in FURTHER)
            self.initial["further_tie_breaks"] = ",".join(b for b in breakers if b in FURTHER)
        else:
            self.initial.setdefault("tie_break_order", "participants,facilities")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        issuer = data.get("issuing_unit") or getattr(self.instance, "issuing_unit", None)
        if issuer is not None and issuer.level == AdministrativeUnit.Level.COMMUNE:
            # A commune tests its own leaders: no collective below it to award.
            data["awards"] = 0
        start, end = data.get("test_start"), data.get("test_end")
        if start and end and end < start:
            self.add_error("test_end", _("The test cannot end before it starts."))
        return data

    def tie_breakers(self) -> list[str]:
        value = self.cleaned_data.get("tie_break_order") or ""
        further = self.cleaned_data.get("further_tie_breaks") or ""
        return [part for part in f"{value},{further}".split(",") if part]


class PassRulesForm(forms.ModelForm):
    """The pass rule of each content, the one every judgement reads."""

    class Meta:
        model = Campaign
        fields = [
            "content1_pass_mark",
            "content1_module_minimum",
            "content2_rule",
            "content2_min_tasks",
            "retake_policy",
        ]
        help_texts = {
            "retake_policy": _(
                "For both contents: a leader who failed may take the content once more, in "
                "a retake session or a second e-office test."
            ),
            "content1_module_minimum": _(
                "Optional. TT 03/2014/TT-BTTTT asks for all six modules: with a minimum, an "
                "examinee passes only with at least this percent in every module of the test."
            ),
            "content2_min_tasks": _("Only for “at least a number of tasks pass”."),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("content2_rule") == Campaign.Content2Rule.MIN_TASKS and not data.get(
            "content2_min_tasks"
        ):
            self.add_error("content2_min_tasks", _("Say how many tasks must pass."))
        return data


class RosterCorrectionForm(forms.Form):
    """One post of a commune's frozen roster: who held it (nobody: vacant), as what."""

    person = forms.ModelChoiceField(
        label=_("Leader"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("— vacant —"),
    )
    position = forms.ChoiceField(
        label=_("Post"),
        choices=[(p, label) for p, label in Position.choices if p in LEADER_POSITIONS],
    )
    acting = forms.BooleanField(label=_("acting"), required=False)
    reason = forms.CharField(
        label=_("Reason for the correction"),
        min_length=10,
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": _("Reason for the correction")}),
    )

    def __init__(self, *args: Any, unit: Any, entry: Any = None, **kwargs: Any) -> None:
        if entry is not None:
            kwargs.setdefault(
                "initial",
                {"person": entry.person_id, "position": entry.position, "acting": entry.acting},
            )
        super().__init__(*args, **kwargs)
        people: Any = self.fields["person"]
        people.queryset = Person.objects.filter(unit=unit).order_by("sort_key")
        self.auto_id = f"id_roster_{unit.pk}_{entry.pk if entry else 'new'}_%s"


class AppealRequestForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Leader"), queryset=Person.objects.none())
    content = forms.TypedChoiceField(label=_("Content"), choices=Result.Content.choices, coerce=int)
    reason = forms.CharField(
        label=_("What should be reviewed, and why"),
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["person"]
        field.queryset = people


class AppealDecisionForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("rejected", _("Reject: the result stands")),
            ("passed", _("Uphold: passed")),
            ("failed", _("Uphold: failed")),
        ],
        widget=forms.RadioSelect,
    )
    decision = forms.CharField(
        label=_("Reason of the decision"),
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AppealDeadlineForm(forms.Form):
    appeal_deadline = forms.DateField(
        label=_("Appeals until (dd/mm/yyyy; empty: closed)"),
        input_formats=DATE_INPUT_FORMATS,
        required=False,
    )


class DeviceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of device"), choices=SigningDevice.Kind.choices)
    certificate = forms.FileField(
        label=_("Certificate file (.cer, .crt, .pem, .der) or a PDF the leader signed"),
        help_text=_(
            "Export it from the token's software or from the browser's certificate list, or "
            "upload a PDF the leader signed with the device: its certificate is read out of "
            "the signature."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".cer,.crt,.pem,.der,.pdf"}),
    )

    def clean_certificate(self) -> bytes:
        """The file's bytes: a certificate of at most 64 KB, or a PDF within the upload
        limit (`is_pdf` tells the view which)."""
        upload = self.cleaned_data["certificate"]
        head = bytes(upload.read(1024))
        upload.seek(0)
        if looks_like_pdf(head):
            error = pdf_upload_error(upload)
            if error:
                raise forms.ValidationError(error)
        elif upload.size > 64 * 1024:
            raise forms.ValidationError(_("A certificate file is smaller than 64 KB."))
        return bytes(upload.read())

    @property
    def is_pdf(self) -> bool:
        return looks_like_pdf(self.cleaned_data.get("certificate") or b"")


class FacilityItemForm(forms.ModelForm):
    class Meta:
        model = FacilityItem
        fields = ["title", "description", "weight"]


def _is_evidence(head: bytes) -> bool:
    """A JPEG, PNG or WebP picture or a PDF, by the signature of its first bytes."""
    return head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"%PDF-")) or (
        head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    )


class DeclarationForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence = forms.FileField(label=_("Evidence (photo, scan, PDF)"), required=False)

    def clean_evidence(self) -> Any:
        upload = self.cleaned_data.get("evidence")
        if upload is None:
            return None
        allowed = (".jpg", ".jpeg", ".png", ".pdf", ".webp")
        if not upload.name.lower().endswith(allowed):
            raise forms.ValidationError(_("Upload a photo (JPG, PNG) or a PDF."))
        if upload.size > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB.")
                % {"size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 2**20}
            )
        # Read as what it is, not as what its name says: a photo or a PDF by its first bytes.
        head = bytes(upload.read(16))
        upload.seek(0)
        if not _is_evidence(head):
            raise forms.ValidationError(
                _("The file is not a photo (JPG, PNG, WebP) or a PDF, whatever its name says.")
            )
        return upload


class ReviewForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Verified")), ("0", _("Rejected"))],
        coerce=lambda value: value == "1",
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class OverrideForm(forms.Form):
    content = forms.TypedChoiceField(label=_("Content"), choices=Result.Content.choices, coerce=int)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Result.Outcome.choices)
    reason = forms.CharField(
        label=_("Reason for the change"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required: it is kept in the audit log."),
    )


class CampaignCopyForm(forms.Form):
    """The new round of a campaign: its own code, title and issue date."""

    code = forms.CharField(label=_("Code of the new round"), max_length=40)
    title = forms.CharField(label=_("Title"), max_length=300)
    issued_on = _date(_("Date issued"), required=True)
