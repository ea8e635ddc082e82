from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from sathach.campaigns.forms import OverrideForm
from sathach.campaigns.models import Campaign
from sathach.campaigns.results_import import results_import, results_template
from sathach.campaigns.selectors import (
    campaign_units_for_user,
    get_campaign_for_user,
    results_by_leader,
)
from sathach.campaigns.services import result_override
from sathach.core.errors import DomainError, ImportErrors
from sathach.core.tables import Column, sorted_page
from sathach.core.text import fold
from sathach.organization.forms import ImportForm
from sathach.organization.models import LEADER_POSITIONS, Person
from sathach.organization.permissions import Perm, require_perm, user_can


@require_perm(Perm.VIEW_CAMPAIGN)
def result_list(request: HttpRequest, pk: int) -> HttpResponse:
    """Each leader's outcome in both contents; a commune officer sees their commune only."""
    campaign = get_campaign_for_user(request.user, Perm.VIEW_CAMPAIGN, pk)
    units = campaign_units_for_user(request.user, Perm.VIEW_CAMPAIGN, campaign)
    rows = results_by_leader(campaign, units)
    query = request.GET.get("q", "").strip()
    shown = [row for row in rows if _matches(row, query)] if query else rows
    # A province's hundreds of leaders are sorted and paged here (core/tables.py).
    table = sorted_page(shown, _result_columns(), request.GET, default_sort="unit")
    return render(
        request,
        "campaigns/result_list.html",
        {
            "campaign": campaign,
            "rows": rows,
            "table": table,
            "q": query,
            "can_override": user_can(request.user, Perm.OVERRIDE_RESULTS, campaign.issuing_unit),
            "can_import": user_can(request.user, Perm.MANAGE_CAMPAIGN, campaign.issuing_unit),
        },
    )


def _outcome(result: Any) -> str:
    return result.outcome if result is not None else ""


def _result_columns() -> list[Column[Any]]:
    """The sortable columns of the leaders' table (labels in the asker's language)."""
    return [
        Column("unit", _("Unit"), sort=lambda row: (row.person.unit.name, row.person.sort_key)),
        Column("leader", _("Leader"), sort=lambda row: row.person.sort_key),
        Column("content1", _("IT skills"), sort=lambda row: _outcome(row.content1)),
        Column(
            "content2",
            _("IT application in handling work"),
            sort=lambda row: _outcome(row.content2),
        ),
    ]


def _matches(row: Any, query: str) -> bool:
    """A leader found by their name or their commune's, with or without diacritics, or by
    the commune's code."""
    folded = fold(query)
    person = row.person
    return (
        folded in fold(person.full_name)
        or folded in fold(person.unit.name)
        or (query == person.unit.code)
    )


@require_perm(Perm.OVERRIDE_RESULTS)
def result_override_view(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, Perm.OVERRIDE_RESULTS, pk)
    person = get_object_or_404(Person, pk=person_pk, position__in=LEADER_POSITIONS)
    if (
        not campaign_units_for_user(request.user, Perm.OVERRIDE_RESULTS, campaign)
        .filter(pk=person.unit_id)
        .exists()
    ):
        raise Http404
    form = OverrideForm(request.POST or None, initial={"content": request.GET.get("content", 1)})
    if request.method == "POST" and form.is_valid():
        try:
            result_override(
                actor=request.user,
                campaign=campaign,
                person=person,
                content=form.cleaned_data["content"],
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("The result of %(name)s was changed.") % {"name": person.full_name}
            )
            return redirect("result-list", campaign.pk)
    return render(
        request,
        "campaigns/result_override.html",
        {"campaign": campaign, "person": person, "form": form},
    )


def _managed_campaign(request: HttpRequest, pk: int) -> Campaign:
    campaign = get_campaign_for_user(request.user, Perm.MANAGE_CAMPAIGN, pk)
    if not user_can(request.user, Perm.MANAGE_CAMPAIGN, campaign.issuing_unit):
        raise PermissionDenied
    return campaign


@require_perm(Perm.MANAGE_CAMPAIGN)
def result_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Results of a paper test, from the rank xlsx layout; all rows or none."""
    campaign = _managed_campaign(request, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[tuple[int, str, str]] = []
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            count = results_import(
                actor=request.user, campaign=campaign, content=form.cleaned_data["file"].read()
            )
        except ImportErrors as error:
            # The sentence that says what went wrong comes before the table of cells.
            problems, refusal = error.problems, error.message
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("The results of %(n)s leaders were imported.") % {"n": count}
            )
            return redirect("result-list", campaign.pk)
    return render(
        request,
        "campaigns/result_import.html",
        {"campaign": campaign, "form": form, "problems": problems, "refusal": refusal},
    )


@require_perm(Perm.MANAGE_CAMPAIGN)
def result_template(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _managed_campaign(request, pk)
    response = HttpResponse(
        results_template(campaign),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-ket-qua.xlsx"'
    return response
