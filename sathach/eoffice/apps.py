from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EofficeConfig(AppConfig):
    name = "sathach.eoffice"
    label = "eoffice"
    verbose_name = _("E-office test")

    def ready(self) -> None:
        from sathach.campaigns.signals import campaign_status_changed

        campaign_status_changed.connect(_record_pending, dispatch_uid="eoffice-record-pending")


def _record_pending(sender: Any, *, campaign: Any, before: str, actor: Any, **kwargs: Any) -> None:
    """Testing resumed: record the e-office results submitted while it was paused."""
    from sathach.eoffice.services.tasks import tasks_record_pending

    tasks_record_pending(actor=actor, campaign=campaign)
