"""The province's view ("Toàn tỉnh"): every commune of every campaign issued in the province,
sortable, filterable and paged on the server, with the same table as a workbook."""

from __future__ import annotations

from dataclasses import replace

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from sathach.core.tables import sorted_page
from sathach.organization.models import AdministrativeUnit
from sathach.organization.permissions import Perm, require_perm
from sathach.reports import charts
from sathach.reports.exporters.base import CONTENT_TYPES
from sathach.reports.province import (
    province_columns,
    province_sheet,
    province_view,
    provinces_for_user,
)
from sathach.reports.workbook import render_xlsx

DEFAULT_SORT = "unit"


@require_perm(Perm.VIEW_CAMPAIGN)
def province_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "reports/province_list.html", {"provinces": provinces_for_user(request.user)}
    )


@require_perm(Perm.VIEW_CAMPAIGN)
def province_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    province = get_object_or_404(AdministrativeUnit, pk=pk)
    view = province_view(request.user, province, request.GET)
    table = sorted_page(view.rows, province_columns(), request.GET, default_sort=DEFAULT_SORT)
    context = {
        "province": province,
        "view": view,
        "table": table,
        "campaign_pk": request.GET.get("campaign", ""),
        "issuer_pk": request.GET.get("issuer", ""),
        "q": request.GET.get("q", ""),
        "leaders": sum(row.leaders for row in view.rows),
        "tested": sum(row.tested for row in view.rows),
        "covered": sum(row.covered for row in view.rows),
    }
    if len(view.chosen) == 1 and table.rows:
        # One campaign: its rates chart over this page's communes, one bar pair a commune.
        campaign = view.chosen[0]
        figures = view.figures[campaign.pk]
        by_code = {unit.unit.code: unit for unit in figures.units}
        shown = [by_code[row.unit.code] for row in table.rows if row.unit.code in by_code]
        chart = charts.rates_chart(replace(figures, units=shown))
        context["chart"] = mark_safe(charts.svg(chart))  # noqa: S308 - escaped by charts.svg
    return render(request, "reports/province.html", context)


@require_perm(Perm.VIEW_CAMPAIGN)
def province_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Every row the page's filters keep, in the page's order, as .xlsx."""
    province = get_object_or_404(AdministrativeUnit, pk=pk)
    view = province_view(request.user, province, request.GET)
    table = sorted_page(
        view.rows,
        province_columns(),
        request.GET,
        default_sort=DEFAULT_SORT,
        page_size=max(len(view.rows), 1),
    )
    view.rows = table.rows
    title = _("Campaigns of %(province)s") % {"province": province.name}
    response = HttpResponse(
        render_xlsx(title, [province_sheet(view)]), content_type=CONTENT_TYPES["xlsx"]
    )
    response["Content-Disposition"] = f'attachment; filename="toan-tinh-{province.code}.xlsx"'
    return response
