from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sathach.organization.models import Person

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


class OverrideForm(forms.Form):
    passed = forms.TypedChoiceField(
        label=_("Outcome"),
        choices=[("1", _("Passed")), ("0", _("Failed"))],
        coerce=lambda v: v == "1",
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
