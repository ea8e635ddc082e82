from __future__ import annotations

import datetime

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sathach.core.audit import AuditAction
from sathach.core.models import AuditEntry
from sathach.core.text import hidden_characters

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


def hidden_characters_message(found: list[str]) -> str:
    return str(
        _("The text holds characters that cannot be seen (%(codes)s): type it again without them.")
        % {"codes": ", ".join(found)}
    )


def validate_visible(value: str) -> None:
    """Refuse a name holding zero-width, right-to-left or control characters: what is read
    on the page or a certificate must be what is stored."""
    found = hidden_characters(value)
    if found:
        raise forms.ValidationError(hidden_characters_message(found))


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All actions")), *AuditAction.choices]
    )
    actor = forms.CharField(label=_("By (user name)"), required=False, max_length=150)
    q = forms.CharField(label=_("Object contains"), required=False, max_length=100)
    date_from = forms.DateField(
        label=_("From (dd/mm/yyyy)"), required=False, input_formats=DATE_INPUT_FORMATS
    )
    date_to = forms.DateField(
        label=_("To (dd/mm/yyyy)"), required=False, input_formats=DATE_INPUT_FORMATS
    )

    def apply(self, entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        data = self.cleaned_data
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["actor"]:
            entries = entries.filter(actor_label__icontains=data["actor"])
        if data["q"]:
            entries = entries.filter(Q(object_repr__icontains=data["q"]) | Q(object_id=data["q"]))
        zone = timezone.get_current_timezone()
        if data["date_from"]:
            start = datetime.datetime.combine(data["date_from"], datetime.time.min, zone)
            entries = entries.filter(at__gte=start)
        if data["date_to"]:
            end = datetime.datetime.combine(data["date_to"], datetime.time.max, zone)
            entries = entries.filter(at__lte=end)
        return entries
