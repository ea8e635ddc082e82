from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "sathach.notices"
    label = "notices"
    verbose_name = _("Notices to the leaders")

    def ready(self) -> None:
        from sathach.exams.signals import session_changed

        session_changed.connect(_notify_moved, dispatch_uid="notices-session-moved")


def _notify_moved(sender: Any, *, session: Any, persons: Any, actor: Any, **kwargs: Any) -> None:
    """A leader's session or its time changed: tell them the new time and place."""
    from sathach.notices.services import notices_for_persons

    notices_for_persons(actor=actor, session=session, persons=persons)
