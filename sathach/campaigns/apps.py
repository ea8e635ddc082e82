from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "sathach.campaigns"
    label = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self) -> None:
        from sathach.campaigns.roster import freeze_on_testing
        from sathach.campaigns.signals import campaign_status_changed

        campaign_status_changed.connect(freeze_on_testing, dispatch_uid="campaigns-roster")
