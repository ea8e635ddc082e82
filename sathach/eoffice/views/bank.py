"""The scenario bank: list and search every scenario, create one for a unit of one's own,
edit and retire those one's units own (`eoffice.access`), copy any other, preview its PDF;
and each campaign's scenario set."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from sathach.campaigns.selectors import get_campaign_for_user
from sathach.core.errors import DomainError
from sathach.eoffice.access import scenario_homes, scenario_managed
from sathach.eoffice.documents import render_scenario
from sathach.eoffice.forms import ScenarioForm, ScenarioSetForm, scenario_initial
from sathach.eoffice.models import Kind, Scenario
from sathach.eoffice.services.bank import (
    FieldError,
    scenario_drawn,
    scenario_save,
    scenario_set_active,
    scenario_set_save,
    scenario_warnings,
)
from sathach.eoffice.services.copies import scenario_copy
from sathach.eoffice.services.draw import scenario_set_of
from sathach.organization.models import AdministrativeUnit
from sathach.organization.permissions import Perm, require_perm


@require_GET
@require_perm(Perm.MANAGE_EOFFICE)
def scenario_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    era = request.GET.get("era", "")
    owner = request.GET.get("owner", "")
    scenarios = Scenario.objects.select_related("owner")
    if era in AdministrativeUnit.Era.values:
        scenarios = scenarios.filter(era=era)
    if owner == "installation":
        scenarios = scenarios.filter(owner__isnull=True)
    elif owner == "mine":
        scenarios = scenarios.filter(owner__in=scenario_homes(request.user))
    if query:
        scenarios = scenarios.filter(
            Q(code__icontains=query)
            | Q(number__icontains=query)
            | Q(subject__icontains=query)
            | Q(issuer__icontains=query)
        )
    if kind == "coordinating":
        scenarios = scenarios.filter(coordinating=True)
    elif kind in Kind.values:
        scenarios = scenarios.filter(kind=kind, coordinating=False)
    page = Paginator(scenarios.order_by("kind", "code"), 50).get_page(request.GET.get("page"))
    for scenario in page:
        scenario.managed = scenario_managed(request.user, scenario)  # type: ignore[attr-defined]
    return render(
        request,
        "eoffice/scenario_list.html",
        {
            "page": page,
            "query": query,
            "kind": kind,
            "era": era,
            "owner": owner,
            "eras": AdministrativeUnit.Era.choices,
        },
    )


def _save(
    request: HttpRequest, form: ScenarioForm, scenario: Scenario | None, kind: str
) -> HttpResponse | None:
    if not form.is_valid():
        return None
    try:
        saved = scenario_save(
            actor=request.user, scenario=scenario, kind=kind, values=form.values()
        )
    except FieldError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None
    except DomainError as error:
        form.add_error(None, error.message)
        return None
    messages.success(request, _("The scenario was saved."))
    return redirect("eoffice-scenario-edit", saved.pk)


@require_perm(Perm.MANAGE_EOFFICE)
def scenario_create(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", Kind.INCOMING)
    kind = kind if kind in Kind.values else Kind.INCOMING
    form = ScenarioForm(request.POST or None, kind=kind, creating=True, era=None)
    if request.method == "POST" and (done := _save(request, form, None, kind)):
        return done
    return render(
        request, "eoffice/scenario_form.html", {"form": form, "kind": kind, "scenario": None}
    )


@require_perm(Perm.MANAGE_EOFFICE)
def scenario_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The scenario's form; read-only, with a copy button, for one the user's units do not
    own (a change posted anyway is refused by the service)."""
    scenario = get_object_or_404(Scenario.objects.select_related("owner"), pk=pk)
    managed = scenario_managed(request.user, scenario)
    form = ScenarioForm(
        request.POST or None,
        kind=scenario.kind,
        creating=False,
        era=scenario.era,
        initial=scenario_initial(scenario),
    )
    if not managed and request.method != "POST":
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST" and (done := _save(request, form, scenario, scenario.kind)):
        return done
    return render(
        request,
        "eoffice/scenario_form.html",
        {
            "form": form,
            "kind": scenario.kind,
            "scenario": scenario,
            "managed": managed,
            "homes": scenario_homes(request.user),
            "drawn": scenario_drawn(scenario),
            "warnings": scenario_warnings(scenario),
        },
    )


@require_POST
@require_perm(Perm.MANAGE_EOFFICE)
def scenario_copy_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Copy a scenario into one of the user's units (the `owner` posted, or their only
    one) and open the copy."""
    scenario = get_object_or_404(Scenario, pk=pk)
    homes = {str(unit.pk): unit for unit in scenario_homes(request.user)}
    owner = homes.get(request.POST.get("owner", ""))
    if owner is None and len(homes) == 1:
        owner = next(iter(homes.values()))
    if owner is None:
        messages.error(request, _("Choose the unit the scenario belongs to."))
        return redirect("eoffice-scenario-edit", scenario.pk)
    try:
        copy = scenario_copy(actor=request.user, scenario=scenario, owner=owner)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("eoffice-scenario-edit", scenario.pk)
    messages.success(
        request,
        _("The scenario was copied into %(unit)s as %(code)s: change it here.")
        % {"unit": owner.name, "code": copy.code},
    )
    return redirect("eoffice-scenario-edit", copy.pk)


@xframe_options_sameorigin
@require_GET
@require_perm(Perm.MANAGE_EOFFICE)
def scenario_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The scenario as an examinee would get it today (a sample commune and signer)."""
    scenario = get_object_or_404(Scenario, pk=pk)
    rendered = render_scenario(scenario, test_day=timezone.localdate(), commune=None)
    response = HttpResponse(rendered.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{scenario.code}.pdf"'
    return response


@require_POST
@require_perm(Perm.MANAGE_EOFFICE)
def scenario_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = get_object_or_404(Scenario, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        scenario_set_active(actor=request.user, scenario=scenario, active=active)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("eoffice-scenario-edit", scenario.pk)
    if active:
        messages.success(request, _("The scenario is in use."))
    else:
        messages.success(request, _("The scenario is out of use."))
    if request.POST.get("next") == "edit":
        return redirect("eoffice-scenario-edit", scenario.pk)
    return redirect("eoffice-scenarios")


@require_perm(Perm.MANAGE_EOFFICE)
def scenario_set_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, Perm.MANAGE_EOFFICE, pk)
    rules = scenario_set_of(campaign)
    initial: dict[str, Any] = {
        "scenarios": list(rules.scenarios.all()),
        "incoming_count": rules.incoming_count,
        "coordinating_count": rules.coordinating_count,
        "outgoing_count": rules.outgoing_count,
        "duration_minutes": rules.duration_minutes,
    }
    form = ScenarioSetForm(request.POST or None, initial=initial, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            scenario_set_save(
                actor=request.user,
                campaign=campaign,
                scenarios=list(data["scenarios"]),
                incoming_count=data["incoming_count"],
                outgoing_count=data["outgoing_count"],
                coordinating_count=data["coordinating_count"],
                duration_minutes=data["duration_minutes"],
            )
        except FieldError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The scenario set was saved."))
            return redirect("eoffice-campaign", campaign.pk)
    return render(request, "eoffice/scenario_set.html", {"campaign": campaign, "form": form})
