from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from sathach.core.text import nfc
from sathach.exams.models import (
    DEFAULT_BANK,
    MODULES,
    Blueprint,
    BlueprintRule,
    Category,
    Difficulty,
    ExamSession,
)
from sathach.organization.models import (
    LEADER_POSITIONS,
    AdministrativeUnit,
    Person,
    Role,
    User,
)

DATETIME_FORMATS = ["%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class BlueprintForm(forms.ModelForm):
    class Meta:
        model = Blueprint
        fields = [
            "bank",
            "duration_minutes",
            "shuffle_questions",
            "shuffle_options",
            "review_score",
            "review_answers",
            "review_key",
        ]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        from sathach.exams.banks import banks_for_campaign

        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["bank"])
        field.queryset = banks_for_campaign(user, self.instance.campaign).order_by("name")
        field.label = _("Question bank")
        field.label_from_instance = _bank_label  # type: ignore[method-assign,assignment]


def _bank_label(bank: Any) -> str:
    return f"{bank} — {bank.unit.name}" if bank.unit else str(bank)


class RuleForm(forms.Form):
    """One line of the blueprint: so many questions of a module, optionally of one topic
    and one difficulty; without a topic they are spread evenly over the module's topics."""

    module = forms.ChoiceField(label=_("module"), choices=[("", "—"), *MODULES], required=False)
    category = forms.ModelChoiceField(
        label=_("topic"), queryset=Category.objects.none(), required=False
    )
    difficulty = forms.ChoiceField(
        label=_("difficulty"), choices=[("", _("Any")), *Difficulty.choices], required=False
    )
    count = forms.IntegerField(label=_("questions"), min_value=1, max_value=100, required=False)
    kind = forms.ChoiceField(
        label=_("what is drawn"),
        choices=BlueprintRule.Kind.choices,
        initial=BlueprintRule.Kind.QUESTIONS,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["category"]).queryset = Category.objects.exclude(
            module=""
        ).order_by("path")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        category = data.get("category")
        if category is not None:
            if data.get("module") and data["module"] != category.module:
                raise forms.ValidationError(
                    _("The topic %(topic)s is not in module %(module)s.")
                    % {"topic": category.path, "module": data["module"]}
                )
            data["module"] = category.module
        if data.get("count") and not data.get("module"):
            raise forms.ValidationError(_("Choose the module of this line."))
        return data


RuleFormSet = forms.formset_factory(RuleForm, extra=3)


def rule_initial(blueprint: Blueprint | None) -> list[dict[str, Any]]:
    if blueprint is not None and blueprint.pk:
        return [
            {
                "module": rule.module,
                "category": rule.category_id,
                "difficulty": rule.difficulty,
                "count": rule.count,
                "kind": rule.kind,
            }
            for rule in blueprint.rules.all()
        ]
    return [{"module": code, "count": 5} for code, _label in MODULES]


class SessionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    room = forms.CharField(label=_("Room"), max_length=150, required=False)
    opens_at = forms.DateTimeField(
        label=_("Opens at (dd/mm/yyyy hh:mm)"), input_formats=DATETIME_FORMATS
    )
    closes_at = forms.DateTimeField(
        label=_("Last start at (dd/mm/yyyy hh:mm)"), input_formats=DATETIME_FORMATS
    )
    proctor = forms.ModelChoiceField(
        label=_("Proctor"), queryset=User.objects.none(), required=False
    )
    purpose = forms.ChoiceField(
        label=_("Kind of session"),
        choices=ExamSession.Purpose.choices,
        initial=ExamSession.Purpose.REGULAR,
        widget=forms.RadioSelect,
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Communes whose leaders sit it"),
        queryset=AdministrativeUnit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    people = forms.ModelMultipleChoiceField(
        label=_("Or these leaders"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_(
            "Nothing chosen: every leader not yet in a session (regular), every absentee of a "
            "closed session (make-up), every leader who failed (retake)."
        ),
    )

    def __init__(
        self, *args: Any, district: Any = None, campaign: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["proctor"]).queryset = User.objects.filter(
            memberships__role=Role.PROCTOR, memberships__unit__path__startswith=district.path
        ).distinct()
        if campaign is not None:
            units = campaign.participants.order_by("code")
            cast(forms.ModelChoiceField, self.fields["units"]).queryset = units
            cast(forms.ModelChoiceField, self.fields["people"]).queryset = (
                Person.objects.filter(unit__in=units, position__in=LEADER_POSITIONS)
                .select_related("unit")
                .order_by("unit__code", "position", "sort_key")
            )


class ReasonForm(forms.Form):
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=120, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (.gift, .txt, .xml, .xlsx)"))
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[
            ("", _("From the file name")),
            ("gift", "GIFT"),
            ("moodle-xml", "Moodle XML"),
            ("aiken", "Aiken"),
            ("xlsx", "Excel (.xlsx)"),
        ],
        required=False,
    )
    bank = forms.CharField(
        label=_("Bank"),
        max_length=100,
        required=False,
        help_text=_("Leave it empty for your unit's common bank, or name another bank."),
    )
    unit = forms.TypedChoiceField(label=_("Bank of"), coerce=int, empty_value=None)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        from sathach.exams.banks import bank_homes

        super().__init__(*args, **kwargs)
        choices: list[tuple[Any, Any]] = [(unit.pk, unit.name) for unit in bank_homes(user)]
        if getattr(user, "is_superuser", False):
            choices.insert(0, ("", _("the whole system")))
        field = cast(forms.TypedChoiceField, self.fields["unit"])
        field.choices = choices
        field.required = False
        self.only_unit = choices[0][0] if len(choices) == 1 and choices[0][0] != "" else None
        if self.only_unit is not None:  # nothing to choose: the admin's own unit
            field.widget = forms.HiddenInput()

    def clean_bank(self) -> str:
        return nfc(self.cleaned_data.get("bank") or "") or DEFAULT_BANK

    def clean_unit(self) -> int | None:
        chosen = self.cleaned_data.get("unit")
        return chosen if chosen is not None else self.only_unit
