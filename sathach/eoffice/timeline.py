"""What each event of a task's timeline says, in words a proctor reads (the review page),
instead of its stored detail's keys."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sathach.eoffice.models import Event, Task


def _date(value: Any) -> str:
    try:
        return date_format(datetime.date.fromisoformat(str(value)), "d/m/Y")
    except ValueError:
        return str(value)


def _moment(value: Any) -> str:
    try:
        moment = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return date_format(timezone.localtime(moment), "H:i d/m/Y")


def _duration(seconds: Any) -> str:
    minutes, rest = divmod(int(seconds or 0), 60)
    return _("%(minutes)s min %(seconds)s s") % {"minutes": minutes, "seconds": rest}


def event_text(event: Event) -> str:
    """The event's detail as a sentence; empty when it has none worth saying."""
    detail = event.detail or {}
    kind = event.kind
    parts: list[str] = []
    if kind == Event.Kind.FORWARDED:
        parts.append(_("main handler: %(name)s") % {"name": detail.get("main_handler", "")})
        if detail.get("coordinators"):
            names = ", ".join(detail["coordinators"])
            parts.append(_("coordinating: %(names)s") % {"names": names})
        if detail.get("deadline"):
            parts.append(_("deadline %(date)s") % {"date": _date(detail["deadline"])})
        if detail.get("instruction"):
            parts.append(f"“{detail['instruction']}”")
    elif kind == Event.Kind.OPINION:
        parts.append(f"“{detail.get('opinion', '')}”")
    elif kind == Event.Kind.REFUSED:
        parts.append(str(detail.get("message", "")))
    elif kind == Event.Kind.SUBMITTED:
        by = Task.SubmittedBy(detail["by"]).label if detail.get("by") else ""
        parts.append(str(by))
    elif kind in (Event.Kind.EXTRA_TIME, Event.Kind.REOPENED):
        parts.append(_("%(minutes)s min") % {"minutes": detail.get("minutes", 0)})
    elif kind == Event.Kind.RESUMED:
        parts.append(_("%(time)s given back") % {"time": _duration(detail.get("seconds"))})
    elif kind == Event.Kind.PIN_LOCKED:
        parts.append(_("until %(moment)s") % {"moment": _moment(detail.get("until", ""))})
    elif kind == Event.Kind.PIN_UNLOCKED:
        parts.append(_("%(time)s given back") % {"time": _duration(detail.get("seconds"))})
    if kind == Event.Kind.OVERRIDDEN:
        parts.append(_("Passed") if detail.get("passed") else _("Not passed"))
    if detail.get("reason"):
        parts.append(_("reason: %(reason)s") % {"reason": detail["reason"]})
    return "; ".join(p for p in parts if p)
