from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationConfig(AppConfig):
    name = "sathach.organization"
    label = "organization"
    verbose_name = _("Organization")

    def ready(self) -> None:
        from sathach.organization import signals  # noqa: F401
