from __future__ import annotations

from django.contrib import admin

from sathach.eoffice.models import Scenario, ScenarioSet


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "kind", "doc_type", "number", "subject", "main_handler", "is_active")
    list_filter = ("kind", "doc_type", "main_handler", "is_active")
    search_fields = ("code", "number", "subject", "issuer")


@admin.register(ScenarioSet)
class ScenarioSetAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "campaign",
        "incoming_count",
        "outgoing_count",
        "duration_minutes",
    )
    filter_horizontal = ("scenarios",)
