from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "sathach.notices"
    label = "notices"
    verbose_name = _("Notices to the leaders")
