"""The reports page of a campaign and the downloads. Each download is rendered on request
and audited by `report_export`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header

from sathach.campaigns.selectors import campaigns_for_user, get_campaign_for_user
from sathach.core.errors import DomainError
from sathach.organization.permissions import Perm, require_perm
from sathach.reports.exporters import EXPORTERS
from sathach.reports.selectors import campaign_figures, report_scope_for_user
from sathach.reports.services import report_export


@require_perm(Perm.EXPORT_REPORTS)
def report_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reports/report_list.html",
        {"campaigns": campaigns_for_user(request.user, Perm.EXPORT_REPORTS)},
    )


@require_perm(Perm.EXPORT_REPORTS)
def campaign_reports(request: HttpRequest, pk: int) -> HttpResponse:
    """The reports the user may download for this campaign, with what blocks the others."""
    campaign = get_campaign_for_user(request.user, Perm.EXPORT_REPORTS, pk)
    scope = report_scope_for_user(request.user, campaign)
    figures = campaign_figures(scope)  # read once for every report's availability
    reports: list[dict[str, Any]] = []
    for identifier, exporter_class in EXPORTERS.items():
        if exporter_class.district_only and not scope.district:
            continue
        exporter = exporter_class(figures)
        reports.append(
            {
                "label": exporter_class.label,
                "title": exporter_class.title,
                "refusal": exporter.unavailable(),
                "downloads": [
                    (
                        fmt,
                        reverse(
                            "report-download",
                            kwargs={"pk": campaign.pk, "identifier": identifier, "fmt": fmt},
                        ),
                    )
                    for fmt in exporter_class.formats
                ],
            }
        )
    return render(
        request,
        "reports/campaign_reports.html",
        {"campaign": campaign, "scope": scope, "reports": reports},
    )


@require_perm(Perm.EXPORT_REPORTS)
def report_download(request: HttpRequest, pk: int, identifier: str, fmt: str) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, Perm.EXPORT_REPORTS, pk)
    exporter_class = EXPORTERS.get(identifier)
    if exporter_class is None or fmt not in exporter_class.formats:
        raise Http404
    scope = report_scope_for_user(request.user, campaign)
    if exporter_class.district_only and not scope.district:
        raise PermissionDenied
    try:
        exported = report_export(actor=request.user, scope=scope, identifier=identifier, fmt=fmt)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("report-campaign", campaign.pk)
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = (
        content_disposition_header(True, exported.filename) or "attachment"
    )
    return response
