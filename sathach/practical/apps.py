from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticalConfig(AppConfig):
    name = "sathach.practical"
    label = "practical"
    verbose_name = _("Practical tasks")
