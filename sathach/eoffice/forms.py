from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sathach.eoffice.models import (
    DocumentType,
    ExtraCoordinators,
    Kind,
    Scenario,
    Urgency,
    scenarios_for_unit,
)
from sathach.exams.forms import SessionForm
from sathach.organization.models import (
    HANDLER_POSITIONS_BY_ERA,
    OBSOLETE_POSITIONS,
    AdministrativeUnit,
    Person,
    Position,
)

ERA_GROUPS = {
    "2020": _("Commune before 1/7/2025 (civil servants by field)"),
    "2025": _("Commune from 1/7/2025 (departments of Nghị định 150/2025)"),
}

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def _label(person: Person) -> str:
    return f"{person.full_name} — {person.get_position_display()}"


class ForwardForm(forms.Form):
    main_handler = forms.TypedChoiceField(label=_("Main handler"), coerce=int)
    coordinators = forms.TypedMultipleChoiceField(
        label=_("Coordinators"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    instruction = forms.CharField(
        label=_("Instruction (ý kiến chỉ đạo)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    deadline = forms.DateField(
        label=_("Handling deadline"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, handlers: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(p.pk, _label(p)) for p in handlers]
        self.fields["main_handler"].choices = [("", "—"), *choices]  # type: ignore[attr-defined]
        self.fields["coordinators"].choices = choices  # type: ignore[attr-defined]


class OpinionForm(forms.Form):
    opinion = forms.CharField(
        label=_("Coordination opinion (ý kiến phối hợp)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class OverrideForm(forms.Form):
    passed = forms.TypedChoiceField(
        label=_("Outcome"),
        choices=[("1", _("Passed")), ("0", _("Failed"))],
        coerce=lambda v: v == "1",
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ScenarioForm(forms.Form):
    """A scenario of the bank; incoming-only fields are dropped for an outgoing draft."""

    code = forms.CharField(
        label=_("Code"), max_length=40, help_text=_("Lowercase letters, digits and dashes.")
    )
    era = forms.ChoiceField(
        label=_("Written for"),
        choices=[("", _("The era of the owner unit")), *AdministrativeUnit.Era.choices],
        required=False,
        help_text=_("Which commune the document is written for: its issuers and its posts."),
    )
    doc_type = forms.ChoiceField(label=_("Document type"), choices=DocumentType.choices)
    number = forms.CharField(label=_("Number and symbol"), max_length=40, required=False)
    issuer_parent = forms.CharField(label=_("Governing body"), max_length=120, required=False)
    issuer = forms.CharField(label=_("Issuing body"), max_length=160, required=False)
    place = forms.CharField(label=_("Place name"), max_length=80, initial="Cù Lao Dung")
    issued_days_before = forms.IntegerField(
        label=_("Issued days before the test day"), min_value=0, max_value=60, initial=2
    )
    subject = forms.CharField(label=_("Summary (trích yếu)"), max_length=500, required=False)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    recipient_line = forms.CharField(
        label=_("Addressed to (kính gửi)"), max_length=200, required=False
    )
    body = forms.CharField(
        label=_("Body"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "One paragraph a line. {han}: the latest deadline, {ngay}: the issue date, "
            "{xa}: the examinee's commune, {nam}: the year."
        ),
    )
    recipients = forms.CharField(
        label=_("Recipients (nơi nhận)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line."),
    )
    signer_title = forms.CharField(
        label=_("Signer's title block"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One line each, e.g. KT. CHỦ TỊCH / PHÓ CHỦ TỊCH."),
    )
    signer_name = forms.CharField(label=_("Signer's name"), max_length=80, required=False)
    coordinating = forms.BooleanField(
        label=_("The examinee only coordinates (another leader is in charge)"), required=False
    )
    lead = forms.CharField(label=_("Leader in charge"), max_length=120, required=False)
    lead_request = forms.CharField(
        label=_("What the leader in charge asks"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    main_handler = forms.ChoiceField(label=_("Expected main handler"), required=False)
    coordinators = forms.MultipleChoiceField(
        label=_("Acceptable coordinators"), required=False, widget=forms.CheckboxSelectMultiple
    )
    coordinator_required = forms.BooleanField(
        label=_("At least one coordinator is required"), required=False
    )
    coordinators_beyond = forms.ChoiceField(
        label=_("A coordinator beyond the acceptable ones"),
        choices=ExtraCoordinators.choices,
        initial=ExtraCoordinators.WRONG,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Nghị định 30/2020 leaves coordinators to the leader (“phối hợp (nếu có)”): "
            "say whether one outside the list above is accepted, accepted with a remark "
            "on the result, or counted as a mistake."
        ),
    )
    deadline_days = forms.IntegerField(
        label=_("Latest deadline (days after the test day)"),
        min_value=1,
        max_value=90,
        initial=7,
        required=False,
        help_text=_(
            "Empty when the document sets no deadline: the leader then need not set one "
            "(“thời hạn giải quyết (nếu có)”)."
        ),
    )

    OUTGOING_DROPS = (
        "issuer_parent",
        "issuer",
        "place",
        "issued_days_before",
        "signer_title",
        "signer_name",
        "coordinating",
        "lead",
        "lead_request",
        "main_handler",
        "coordinators",
        "coordinator_required",
        "coordinators_beyond",
        "deadline_days",
    )

    def __init__(
        self, *args: Any, kind: str, creating: bool, era: str | None = None, **kwargs: Any
    ) -> None:
        """`era` None (a new scenario): the posts of both eras, grouped; the service checks
        them against the era chosen."""
        super().__init__(*args, **kwargs)
        labels = dict(Position.choices)

        def posts(era_code: str) -> list[tuple[str, Any]]:
            return [
                (p, _("%(post)s (no longer a commune post)") % {"post": labels[p]})
                if p in OBSOLETE_POSITIONS
                else (p, labels[p])
                for p in HANDLER_POSITIONS_BY_ERA[era_code]
            ]

        handlers: list[Any] = (
            posts(era)
            if era
            else [(ERA_GROUPS[code], posts(code)) for code in HANDLER_POSITIONS_BY_ERA]
        )
        self.fields["main_handler"].choices = [("", "—"), *handlers]  # type: ignore[attr-defined]
        self.fields["coordinators"].choices = handlers  # type: ignore[attr-defined]
        if not creating:
            del self.fields["code"]
            del self.fields["era"]
        if kind == Kind.OUTGOING:
            for name in self.OUTGOING_DROPS:
                del self.fields[name]

    def values(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        if "coordinators_beyond" in values:
            values["coordinators_beyond"] = values["coordinators_beyond"] or ExtraCoordinators.WRONG
        return values


def scenario_initial(scenario: Any) -> dict[str, Any]:
    return {
        **{
            name: getattr(scenario, name)
            for name in ScenarioForm.base_fields
            if name not in ("code", "era")
        },
        "body": "\n".join(scenario.body),
        "recipients": "\n".join(scenario.recipients),
    }


class ScenarioSetForm(forms.Form):
    scenarios = forms.ModelMultipleChoiceField(
        label=_(
            "Scenarios (none chosen: every one in use of the campaign's era, from the "
            "installation's set and your units' own)"
        ),
        queryset=Scenario.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    incoming_count = forms.IntegerField(label=_("Incoming documents"), min_value=1, max_value=20)
    coordinating_count = forms.IntegerField(
        label=_("Documents to coordinate on"), min_value=0, max_value=10
    )
    outgoing_count = forms.IntegerField(label=_("Outgoing drafts"), min_value=0, max_value=5)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=5, max_value=240)

    def __init__(self, *args: Any, campaign: Any, **kwargs: Any) -> None:
        """Only the scenarios the campaign may draw: of its era, the installation's or its
        unit line's."""
        super().__init__(*args, **kwargs)
        field: Any = self.fields["scenarios"]
        field.queryset = scenarios_for_unit(campaign.issuing_unit).filter(
            is_active=True, era=campaign.era
        )


class OfficeSessionForm(SessionForm):
    """An IT-skills session's form without its kind: e-office sessions have no make-up or
    retake sessions of their own (a retake is a second test, drawn from the campaign's
    page)."""

    def __init__(self, *args: Any, campaign: Any, **kwargs: Any) -> None:
        super().__init__(*args, district=campaign.issuing_unit, campaign=campaign, **kwargs)
        del self.fields["purpose"]
        people: Any = self.fields["people"]
        people.help_text = _("Nothing chosen: every leader of the campaign not yet in a session.")
        self.leaders = list(people.queryset)

    def leaders_of(self, unit: Any) -> list[Any]:
        return [p for p in self.leaders if p.unit_id == unit.pk]
