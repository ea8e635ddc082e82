from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sathach.core.errors import DomainError
from sathach.organization.credentials import credentials_pdf
from sathach.organization.forms import AccountForm, RoleGrantForm
from sathach.organization.lockouts import (
    REASON_MIN_LENGTH,
    RECENT_DAYS,
    account_unlock,
    locked_accounts_for_user,
    recent_failures_for_user,
)
from sathach.organization.models import LEADER_POSITIONS, Membership
from sathach.organization.permissions import (
    Perm,
    get_unit_for_user,
    get_user_for_user,
    require_perm,
    units_for_user,
    user_can,
    users_for_user,
)
from sathach.organization.services import (
    examinee_credentials_issue,
    role_grant,
    role_revoke,
    user_create,
    user_set_active,
)


@require_perm(Perm.MANAGE_ACCOUNTS)
def account_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    accounts = (
        users_for_user(request.user, Perm.MANAGE_ACCOUNTS)
        .prefetch_related("memberships__unit")
        .order_by("username")
    )
    if query:
        accounts = accounts.filter(username__icontains=query) | accounts.filter(
            full_name__icontains=query
        )
    page = Paginator(accounts, 100).get_page(request.GET.get("page"))
    return render(request, "organization/account_list.html", {"page": page, "query": query})


@require_GET
@require_perm(Perm.MANAGE_ACCOUNTS)
def account_lockouts(request: HttpRequest) -> HttpResponse:
    """Locked accounts and recent failed sign-ins of the accounts in the user's units."""
    return render(
        request,
        "organization/account_lockouts.html",
        {
            "locked": locked_accounts_for_user(request.user),
            "failures": recent_failures_for_user(request.user),
            "days": RECENT_DAYS,
            "reason_min": REASON_MIN_LENGTH,
        },
    )


@require_POST
@require_perm(Perm.MANAGE_ACCOUNTS)
def account_unlock_view(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_user_for_user(request.user, Perm.MANAGE_ACCOUNTS, pk)
    try:
        account_unlock(actor=request.user, user=account, reason=request.POST.get("reason", ""))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s can sign in again.") % {"name": account.username})
    return redirect("account-lockouts")


@require_perm(Perm.MANAGE_ACCOUNTS)
def account_create_view(request: HttpRequest) -> HttpResponse:
    form = AccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = user_create(
                actor=request.user,
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                role=data["role"],
                unit=data["unit"],
                password=data["password"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Account %(name)s was created.") % {"name": account})
            return redirect("account-detail", account.pk)
    return render(request, "organization/account_form.html", {"form": form})


@require_perm(Perm.MANAGE_ACCOUNTS)
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_user_for_user(request.user, Perm.MANAGE_ACCOUNTS, pk)
    form = RoleGrantForm(
        request.POST if request.POST.get("op") == "grant" else None, user=request.user
    )
    if request.method == "POST":
        op = request.POST.get("op")
        try:
            if op == "grant" and form.is_valid():
                role_grant(
                    actor=request.user,
                    user=account,
                    role=form.cleaned_data["role"],
                    unit=form.cleaned_data["unit"],
                )
                messages.success(request, _("The role was granted."))
                return redirect("account-detail", account.pk)
            if op == "revoke":
                scope = units_for_user(request.user, Perm.MANAGE_ACCOUNTS)
                membership = Membership.objects.filter(
                    user=account, pk=request.POST.get("membership") or 0, unit__in=scope
                ).first()
                if membership is not None:
                    role_revoke(actor=request.user, membership=membership)
                    messages.success(request, _("The role was revoked."))
                return redirect("account-detail", account.pk)
            if op in ("activate", "deactivate") and account != request.user:
                user_set_active(actor=request.user, user=account, active=op == "activate")
                messages.success(request, _("The account was saved."))
                return redirect("account-detail", account.pk)
        except DomainError as error:
            form.add_error(None, error.message)
    return render(
        request,
        "organization/account_detail.html",
        {
            "account": account,
            "memberships": account.memberships.select_related("unit"),
            "form": form,
        },
    )


@require_perm(Perm.MANAGE_ACCOUNTS)
def examinee_credentials(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue one-time credentials to a commune's leaders and return them as a PDF sheet."""
    unit = get_unit_for_user(request.user, Perm.MANAGE_ACCOUNTS, pk)
    error = None
    if request.method == "POST":
        try:
            issued = examinee_credentials_issue(
                actor=request.user,
                unit=unit,
                reset_existing=request.POST.get("reset") == "1",
            )
        except DomainError as exc:
            error = exc.message
        else:
            pdf = credentials_pdf(
                unit, issued, login_url=request.build_absolute_uri(reverse("login"))
            )
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = (
                f'attachment; filename="tai-khoan-thi-sinh-{unit.code}.pdf"'
            )
            response["Cache-Control"] = "no-store"
            return response
    leaders = unit.people.filter(position__in=LEADER_POSITIONS).select_related("user")
    return render(
        request,
        "organization/examinee_credentials.html",
        {
            "unit": unit,
            "leaders": leaders,
            "error": error,
            "can_manage": user_can(request.user, Perm.MANAGE_ACCOUNTS, unit),
        },
    )
