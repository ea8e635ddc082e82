"""Moments as people read them on a page: the time alone when it is today, the time and its
date on any other day ("23:00" on the 12th must not be read for a session of the 13th).

Today is the day in the active time zone (settings.TIME_ZONE, Asia/Ho_Chi_Minh). Every page,
message and template shows a time of day through `moment` (templates: `{% load moments %}`,
`{{ value|moment }}`, `{{ value|moment:"s" }}` with seconds)."""

from __future__ import annotations

import datetime

from django.utils import timezone


def moment(
    value: datetime.datetime | None, *, seconds: bool = False, now: datetime.datetime | None = None
) -> str:
    """The time as "14:30" today, as "14:30 13/12/2026" on any other day; "" for none."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    clock = local.strftime("%H:%M:%S" if seconds else "%H:%M")
    today = timezone.localdate(now) if now is not None else timezone.localdate()
    if local.date() == today:
        return clock
    return f"{clock} {local:%d/%m/%Y}"
