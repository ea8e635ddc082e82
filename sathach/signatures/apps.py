from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignaturesConfig(AppConfig):
    name = "sathach.signatures"
    label = "signatures"
    verbose_name = _("Digital signatures")
