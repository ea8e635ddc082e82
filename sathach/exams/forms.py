from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from sathach.exams.models import MODULES, Blueprint, Difficulty, QuestionBank
from sathach.organization.models import Role, User

DATETIME_FORMATS = ["%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class BlueprintForm(forms.ModelForm):
    """The blueprint with, per module, how many questions and of which difficulty; they
    are spread evenly over the module's topics."""

    class Meta:
        model = Blueprint
        fields = [
            "bank",
            "duration_minutes",
            "pass_mark",
            "shuffle_questions",
            "shuffle_options",
            "review_score",
            "review_answers",
            "review_key",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["bank"]).queryset = QuestionBank.objects.order_by(
            "name"
        )
        current: dict[str, Any] = {}
        if self.instance.pk:
            for rule in self.instance.rules.all():
                current[rule.module] = rule
        for code, label in MODULES:
            rule = current.get(code)
            self.fields[f"count_{code}"] = forms.IntegerField(
                label=label,
                min_value=0,
                max_value=100,
                initial=rule.count if rule else 5,
            )
            self.fields[f"difficulty_{code}"] = forms.ChoiceField(
                label=_("difficulty"),
                choices=[("", _("Any")), *Difficulty.choices],
                required=False,
                initial=rule.difficulty if rule else "",
            )

    def rules(self) -> list[tuple[str, int, str]]:
        return [
            (code, self.cleaned_data[f"count_{code}"], self.cleaned_data[f"difficulty_{code}"])
            for code, _label in MODULES
            if self.cleaned_data[f"count_{code}"]
        ]


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

    def __init__(self, *args: Any, district: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["proctor"]).queryset = User.objects.filter(
            memberships__role=Role.PROCTOR, memberships__unit__path__startswith=district.path
        ).distinct()


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
    bank = forms.CharField(label=_("Bank"), max_length=100, initial="default")
