from __future__ import annotations

from django.urls import path

from sathach.reports.views import exports

urlpatterns = [
    path("", exports.report_list, name="report-list"),
    path("<int:pk>/", exports.campaign_reports, name="report-campaign"),
    path(
        "<int:pk>/<slug:identifier>.<slug:fmt>",
        exports.report_download,
        name="report-download",
    ),
]
