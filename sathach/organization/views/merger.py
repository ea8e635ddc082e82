"""The province admin's page for moving to the communes of 1/7/2025: dry run, then confirm."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sathach.core.errors import DomainError
from sathach.organization.merger import migration_scope, units_migrate_2025
from sathach.organization.models import AdministrativeUnit, Role
from sathach.organization.permissions import Perm, memberships, require_perm


def _scope(request: HttpRequest) -> tuple[int, AdministrativeUnit | None]:
    for membership in memberships(request.user):
        if membership.role == Role.PROVINCE_ADMIN:
            scope = migration_scope(membership.unit)
            if scope is not None:
                return scope
    raise PermissionDenied


@require_perm(Perm.MANAGE_UNITS)
def units_migrate_2025_view(request: HttpRequest) -> HttpResponse:
    province_code, within = _scope(request)
    # A split commune goes where the admin chose on the dry-run page, or nowhere.
    assign = {
        key.removeprefix("assign_"): str(value)
        for key, value in request.POST.items()
        if key.startswith("assign_") and value
    }
    try:
        if request.method == "POST":
            plan = units_migrate_2025(
                actor=request.user, province_code=province_code, assign=assign, within=within
            )
            messages.success(request, plan.describe())
            return redirect("units-migrate-2025")
        plan = units_migrate_2025(
            actor=request.user, province_code=province_code, dry_run=True, within=within
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("units-migrate-2025")
    return render(
        request,
        "organization/units_migrate_2025.html",
        {
            "plan": plan,
            "within": within,
            "to_move": [m for m in plan.moves if m.people or m.accounts],
            "empty": sum(1 for m in plan.moves if not (m.people or m.accounts)),
            "title": _("Move to the divisions from 1/7/2025"),
        },
    )
