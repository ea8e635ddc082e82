from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sathach.core.errors import DomainError
from sathach.organization.forms import UnitEditForm, UnitForm
from sathach.organization.models import Role
from sathach.organization.permissions import (
    Perm,
    get_unit_for_user,
    require_perm,
    roles,
    user_can,
)
from sathach.organization.selectors import people_list, unit_rows
from sathach.organization.services import unit_create, unit_update


@require_perm(Perm.VIEW_ORGANIZATION)
def unit_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    return render(
        request,
        "organization/unit_list.html",
        {
            "rows": unit_rows(request.user, query=query),
            "query": query,
            "can_manage": user_can(request.user, Perm.MANAGE_UNITS),
            "can_migrate": Role.PROVINCE_ADMIN in roles(request.user),
        },
    )


@require_perm(Perm.VIEW_ORGANIZATION)
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, Perm.VIEW_ORGANIZATION, pk)
    children = unit.children.order_by("code")
    return render(
        request,
        "organization/unit_detail.html",
        {
            "unit": unit,
            "ancestors": unit.ancestors(),
            "children": children,
            "people": people_list(request.user, unit=unit).filter(unit=unit),
            "can_manage": user_can(request.user, Perm.MANAGE_UNITS, unit),
            "can_manage_people": user_can(request.user, Perm.MANAGE_PEOPLE, unit),
            "can_issue_credentials": unit.is_commune_level
            and user_can(request.user, Perm.MANAGE_ACCOUNTS, unit),
        },
    )


@require_perm(Perm.MANAGE_UNITS)
def unit_create_view(request: HttpRequest) -> HttpResponse:
    form = UnitForm(request.POST or None, user=request.user, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = unit_create(
                actor=request.user,
                code=data["code"],
                name=data["name"],
                kind=data["kind"],
                parent=data["parent"],
                era=data["parent"].era,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("%(unit)s was added.") % {"unit": unit.name})
            return redirect("unit-detail", unit.pk)
    return render(request, "organization/unit_form.html", {"form": form})


@require_perm(Perm.MANAGE_UNITS)
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, Perm.MANAGE_UNITS, pk)
    form = UnitEditForm(request.POST or None, initial={"name": unit.name, "kind": unit.kind})
    if request.method == "POST" and form.is_valid():
        try:
            unit_update(
                actor=request.user,
                unit=unit,
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("%(unit)s was saved.") % {"unit": unit.name})
            return redirect("unit-detail", unit.pk)
    return render(request, "organization/unit_form.html", {"form": form, "unit": unit})
