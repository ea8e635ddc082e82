"""`{{ value|moment }}`: a time of day, with its date unless it is today (core.moments)."""

from __future__ import annotations

import datetime

from django import template

from sathach.core.moments import moment as moment_text

register = template.Library()


@register.filter
def moment(value: datetime.datetime | None, arg: str = "") -> str:
    """`{{ session.closes_at|moment }}`; `|moment:"s"` adds the seconds."""
    if not isinstance(value, datetime.datetime):
        return ""
    return moment_text(value, seconds=arg == "s")
