from __future__ import annotations

from fractions import Fraction
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sathach.campaigns.forms import DeclarationForm, DeviceForm, FacilityItemForm, ReviewForm
from sathach.campaigns.models import FacilityDeclaration, FacilityEvidence, FacilityItem
from sathach.campaigns.readiness import (
    device_register,
    device_register_from_pdf,
    facility_declare,
    facility_item_save,
    facility_review,
)
from sathach.campaigns.selectors import (
    campaign_units_for_user,
    coverage_by_kind,
    get_campaign_for_user,
    percent,
    readiness,
)
from sathach.core.errors import DomainError
from sathach.core.tables import PAGE_SIZE, Column, sorted_page
from sathach.core.text import fold
from sathach.organization.models import LEADER_POSITIONS, Person
from sathach.organization.permissions import Perm, require_perm, user_can


@require_perm(Perm.VIEW_CAMPAIGN)
def readiness_overview(request: HttpRequest, pk: int) -> HttpResponse:
    """Which commune lacks what, since when."""
    campaign = get_campaign_for_user(request.user, Perm.VIEW_CAMPAIGN, pk)
    rows = readiness(campaign, campaign_units_for_user(request.user, Perm.VIEW_CAMPAIGN, campaign))
    leaders = sum(len(row.leaders) for row in rows)
    covered = sum(row.covered for row in rows)
    query = request.GET.get("q", "").strip()
    shown = [row for row in rows if _matches(row, query)] if query else rows
    # A province's hundred communes (or the country's 3,321) are sorted and paged here.
    table = sorted_page(
        shown, _readiness_columns(), request.GET, default_sort="unit", page_size=PAGE_SIZE
    )
    return render(
        request,
        "campaigns/readiness.html",
        {
            "campaign": campaign,
            "rows": rows,
            "table": table,
            "q": query,
            "leaders": leaders,
            "covered": covered,
            "coverage": percent(Fraction(covered, leaders) if leaders else Fraction(0)),
            "by_kind": coverage_by_kind(rows),
        },
    )


def _readiness_columns() -> list[Column[Any]]:
    """The sortable columns of the communes' table (labels in the asker's language)."""
    return [
        Column("unit", _("Unit"), sort=lambda row: row.unit.name),
        Column("devices", _("Devices"), sort=lambda row: row.coverage, numeric=True),
        Column("facility", _("Facility score"), sort=lambda row: row.facility_score, numeric=True),
        Column("gaps", _("Still missing"), sort=lambda row: len(row.gaps), numeric=True),
    ]


def _matches(row: Any, query: str) -> bool:
    """A commune found by its name, with or without diacritics, or by its code."""
    return fold(query) in fold(row.unit.name) or query == row.unit.code


def _unit_in_campaign(request: HttpRequest, campaign_pk: int, unit_pk: int, perm: str):  # type: ignore[no-untyped-def]
    campaign = get_campaign_for_user(request.user, Perm.VIEW_CAMPAIGN, campaign_pk)
    unit = campaign_units_for_user(request.user, perm, campaign).filter(pk=unit_pk).first()
    if unit is None:
        raise Http404
    return campaign, unit


@require_perm(Perm.VIEW_CAMPAIGN)
def unit_readiness(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    campaign, unit = _unit_in_campaign(request, pk, unit_pk, Perm.VIEW_CAMPAIGN)
    (row,) = readiness(campaign, campaign.participants.filter(pk=unit.pk))
    can_declare = user_can(request.user, Perm.DECLARE_READINESS, unit)
    return render(
        request,
        "campaigns/unit_readiness.html",
        {
            "campaign": campaign,
            "row": row,
            "items": [(item, row.declarations.get(item.pk)) for item in row.items],
            "can_declare": can_declare,
            "can_verify": user_can(request.user, Perm.VERIFY_READINESS, unit),
            # One form per row: no ids (they would repeat); each field sits in its <label>.
            "device_form": DeviceForm(auto_id=False),
            "declaration_form": DeclarationForm(auto_id=False),
            "review_form": ReviewForm(auto_id=False),
        },
    )


@require_POST
@require_perm(Perm.DECLARE_READINESS)
def device_add(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, Perm.VIEW_CAMPAIGN, pk)
    person = get_object_or_404(Person, pk=person_pk, position__in=LEADER_POSITIONS)
    if (
        not campaign_units_for_user(request.user, Perm.DECLARE_READINESS, campaign)
        .filter(pk=person.unit_id)
        .exists()
    ):
        raise Http404
    form = DeviceForm(request.POST, request.FILES)
    if form.is_valid():
        kind = form.cleaned_data["kind"]
        data = form.cleaned_data["certificate"]
        trusted = True
        try:
            if form.is_pdf:
                device, report = device_register_from_pdf(
                    actor=request.user, person=person, kind=kind, data=data
                )
                trusted = report.trusted
            else:
                device = device_register(
                    actor=request.user, person=person, kind=kind, certificate=data
                )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("The device of %(name)s was registered (valid until %(date)s).")
                % {
                    "name": person.full_name,
                    "date": timezone.localtime(device.not_after).strftime("%d/%m/%Y"),
                },
            )
            if not trusted:
                messages.warning(
                    request,
                    _(
                        "The certificate read from the PDF does not chain to a root in the "
                        "trust store (issuer: %(issuer)s). Signatures made with it will be "
                        "reported untrusted until the district adds that root on the signing "
                        "certificates page."
                    )
                    % {"issuer": device.issuer},
                )
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("unit-readiness", campaign.pk, person.unit_id)


@require_POST
@require_perm(Perm.DECLARE_READINESS)
def facility_declare_view(
    request: HttpRequest, pk: int, unit_pk: int, item_pk: int
) -> HttpResponse:
    campaign, unit = _unit_in_campaign(request, pk, unit_pk, Perm.DECLARE_READINESS)
    item = get_object_or_404(FacilityItem, pk=item_pk, campaign=campaign)
    form = DeclarationForm(request.POST, request.FILES)
    if form.is_valid():
        files = [form.cleaned_data["evidence"]] if form.cleaned_data["evidence"] else []
        try:
            facility_declare(
                actor=request.user,
                campaign=campaign,
                unit=unit,
                item=item,
                note=form.cleaned_data["note"],
                files=files,
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Declared: %(item)s.") % {"item": item.title})
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("unit-readiness", campaign.pk, unit.pk)


@require_POST
@require_perm(Perm.VERIFY_READINESS)
def facility_review_view(request: HttpRequest, pk: int, declaration_pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, Perm.VERIFY_READINESS, pk)
    declaration = get_object_or_404(FacilityDeclaration, pk=declaration_pk, campaign=campaign)
    if not user_can(request.user, Perm.VERIFY_READINESS, declaration.unit):
        raise Http404
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            facility_review(
                actor=request.user,
                declaration=declaration,
                accept=form.cleaned_data["accept"],
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The declaration was reviewed."))
    return redirect("unit-readiness", campaign.pk, declaration.unit_id)


@require_perm(Perm.VIEW_CAMPAIGN)
def evidence_download(request: HttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    campaign = get_campaign_for_user(request.user, Perm.VIEW_CAMPAIGN, pk)
    evidence = get_object_or_404(
        FacilityEvidence.objects.select_related("declaration__unit"),
        pk=evidence_pk,
        declaration__campaign=campaign,
    )
    if not user_can(request.user, Perm.VIEW_CAMPAIGN, evidence.declaration.unit):
        raise Http404
    return FileResponse(
        evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name
    )


@require_perm(Perm.MANAGE_CAMPAIGN)
def facility_items(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, Perm.MANAGE_CAMPAIGN, pk)
    if not user_can(request.user, Perm.MANAGE_CAMPAIGN, campaign.issuing_unit):
        raise PermissionDenied
    item = None
    if request.GET.get("item"):
        item = get_object_or_404(FacilityItem, pk=request.GET["item"], campaign=campaign)
    form = FacilityItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            facility_item_save(
                actor=request.user,
                campaign=campaign,
                item=item,
                title=form.cleaned_data["title"],
                weight=form.cleaned_data["weight"],
                description=form.cleaned_data["description"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The checklist was saved."))
            return redirect("facility-items", campaign.pk)
    return render(
        request,
        "campaigns/facility_items.html",
        {"campaign": campaign, "items": campaign.facility_items.all(), "form": form, "item": item},
    )
