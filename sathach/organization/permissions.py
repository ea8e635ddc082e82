"""Every access rule of the project, in one place.

A user holds roles (`Membership` rows), each over one administrative unit; a role grants its
permissions over that unit and everything below it. Views ask `user_can` or use
`require_perm`; object lookups go through the `get_<obj>_for_user` helpers, which answer 404
for an object outside the user's units, so that its existence is not revealed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponseBase

from sathach.organization.lineage import former_provinces
from sathach.organization.models import AdministrativeUnit, Membership, Person, Role, User


class Perm:
    VIEW_ORGANIZATION = "organization.view"
    MANAGE_UNITS = "organization.manage_units"
    MANAGE_PEOPLE = "organization.manage_people"
    MANAGE_ACCOUNTS = "organization.manage_accounts"
    VIEW_AUDIT = "core.view_audit"
    VIEW_CAMPAIGN = "campaigns.view"
    MANAGE_CAMPAIGN = "campaigns.manage"
    DECLARE_READINESS = "campaigns.declare_readiness"
    VERIFY_READINESS = "campaigns.verify_readiness"
    OVERRIDE_RESULTS = "campaigns.override_results"
    APPROVE_RANKING = "campaigns.approve_ranking"
    MANAGE_EXAMS = "exams.manage"  # question bank, blueprints, sessions, statistics
    RUN_SESSIONS = "exams.run_sessions"  # the proctor's console
    TAKE_EXAM = "exams.take"
    MANAGE_PKI = "signatures.manage"  # the exam CA, leaders' certificates, the trust store
    MANAGE_EOFFICE = "eoffice.manage"  # e-office scenarios, drawing the documents
    SEAL_DOCUMENTS = "signatures.seal"  # the văn thư adds the organisation's signature
    EXPORT_REPORTS = "reports.export"  # results workbook, report, draft award decision
    REQUEST_APPEAL = "campaigns.request_appeal"  # phúc khảo of a leader's own result


_ADMIN = frozenset(
    {
        Perm.VIEW_ORGANIZATION,
        Perm.MANAGE_UNITS,
        Perm.MANAGE_PEOPLE,
        Perm.MANAGE_ACCOUNTS,
        Perm.VIEW_AUDIT,
        Perm.VIEW_CAMPAIGN,
        Perm.MANAGE_CAMPAIGN,
        Perm.DECLARE_READINESS,
        Perm.VERIFY_READINESS,
        Perm.OVERRIDE_RESULTS,
        Perm.MANAGE_EXAMS,
        Perm.RUN_SESSIONS,
        Perm.MANAGE_PKI,
        Perm.MANAGE_EOFFICE,
        Perm.EXPORT_REPORTS,
        Perm.SEAL_DOCUMENTS,
    }
)

ROLE_PERMS: dict[str, frozenset[str]] = {
    Role.PROVINCE_ADMIN: _ADMIN,
    Role.DISTRICT_ADMIN: _ADMIN,
    Role.COMMUNE_ADMIN: _ADMIN,
    Role.COUNCIL: frozenset(
        {Perm.VIEW_ORGANIZATION, Perm.VIEW_CAMPAIGN, Perm.APPROVE_RANKING, Perm.EXPORT_REPORTS}
    ),
    Role.COMMUNE_OFFICER: frozenset(
        {
            Perm.VIEW_ORGANIZATION,
            Perm.MANAGE_PEOPLE,
            Perm.VIEW_CAMPAIGN,
            Perm.DECLARE_READINESS,
            # Only the workbook, cut to their own commune (reports/selectors.py).
            Perm.EXPORT_REPORTS,
            # The commune's văn thư work: its seal signature on what its leaders signed.
            Perm.SEAL_DOCUMENTS,
            # On behalf of the commune's leaders.
            Perm.REQUEST_APPEAL,
        }
    ),
    Role.PROCTOR: frozenset({Perm.VIEW_ORGANIZATION, Perm.VIEW_CAMPAIGN, Perm.RUN_SESSIONS}),
    Role.EXAMINEE: frozenset({Perm.TAKE_EXAM, Perm.REQUEST_APPEAL}),
}


def memberships(user: Any) -> list[Membership]:
    """The user's roles with their units, read once per request object."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_sathach_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("unit"))
        user._sathach_memberships = cached
    return cached


def roles(user: Any) -> set[str]:
    return {membership.role for membership in memberships(user)}


def user_can(user: Any, perm: str, unit: AdministrativeUnit | None = None) -> bool:
    """True when the user holds `perm` over `unit` (or over some unit when `unit` is None)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    for membership in memberships(user):
        if perm not in ROLE_PERMS.get(membership.role, frozenset()):
            continue
        if unit is None or membership.unit.contains(unit):
            return True
    return False


def units_for_user(user: Any, perm: str) -> QuerySet[AdministrativeUnit]:
    """Every unit over which the user holds `perm`."""
    units = AdministrativeUnit.objects.all()
    if getattr(user, "is_superuser", False) and user.is_active:
        return units
    condition = Q(pk__in=[])
    for membership in memberships(user):
        if perm in ROLE_PERMS.get(membership.role, frozenset()):
            condition |= Q(path__startswith=membership.unit.path)
    return units.filter(condition)


def campaign_issuers_for_user(user: Any) -> QuerySet[AdministrativeUnit]:
    """The units the user may issue a campaign for: a province or a district in their
    charge, and a commune only where they run the commune itself (its own leaders'
    campaign), not from above."""
    own_communes = [
        membership.unit_id
        for membership in memberships(user)
        if membership.unit.level == AdministrativeUnit.Level.COMMUNE
        and Perm.MANAGE_CAMPAIGN in ROLE_PERMS.get(membership.role, frozenset())
    ]
    return units_for_user(user, Perm.MANAGE_CAMPAIGN).filter(
        Q(level__lt=AdministrativeUnit.Level.COMMUNE) | Q(pk__in=own_communes)
    )


def people_for_user(user: Any, perm: str) -> QuerySet[Person]:
    return Person.objects.filter(unit__in=units_for_user(user, perm))


def users_for_user(user: Any, perm: str) -> QuerySet[User]:
    """Accounts whose every role lies inside the user's units, plus unassigned accounts of
    people there."""
    scope = units_for_user(user, perm)
    if getattr(user, "is_superuser", False):
        return User.objects.all()
    outside = Membership.objects.exclude(unit__in=scope).values("user_id")
    inside = Q(memberships__unit__in=scope) | Q(person__unit__in=scope)
    return User.objects.filter(inside).exclude(pk__in=outside).distinct()


def get_unit_for_user(user: Any, perm: str, pk: int) -> AdministrativeUnit:
    try:
        return units_for_user(user, perm).get(pk=pk)
    except AdministrativeUnit.DoesNotExist:
        raise Http404 from None


def get_person_for_user(user: Any, perm: str, pk: int) -> Person:
    try:
        return people_for_user(user, perm).select_related("unit", "user").get(pk=pk)
    except Person.DoesNotExist:
        raise Http404 from None


def get_user_for_user(user: Any, perm: str, pk: int) -> User:
    try:
        return users_for_user(user, perm).get(pk=pk)
    except User.DoesNotExist:
        raise Http404 from None


View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def require_perm(perm: str) -> Callable[[View], View]:
    """Let the view run only for users who hold `perm` over some unit.

    Anonymous users are sent to the login page; signed-in users without the permission get
    403. Views narrow further to one unit with the `get_*_for_user` helpers.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user_can(request.user, perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_perm = perm  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def _with_former_provinces(unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    """The unit, and for today's province the provinces before 1/7/2025 it took in, whose
    district campaigns of 2020 it now answers for."""
    return [unit, *former_provinces(unit)]


def province_issuers_for_user(
    user: Any, province: AdministrativeUnit
) -> QuerySet[AdministrativeUnit]:
    """The units of `province` whose campaigns the user sees in the province's view.

    Only a role held over a province or a district opens it: a province's roles see every
    campaign issued in the province (its own, its districts' of 2020, its communes'), a
    district's roles only their own district's. Today's province also holds the provinces
    it took in on 1/7/2025 and their districts' campaigns, and its roles see them. A
    commune's roles see their commune on each campaign's dashboard instead.
    """
    within = Q(pk__in=[])
    for root in _with_former_provinces(province):
        within |= Q(path__startswith=root.path)
    units = AdministrativeUnit.objects.filter(within)
    if getattr(user, "is_superuser", False) and user.is_active:
        return units
    condition = Q(pk__in=[])
    for membership in memberships(user):
        if Perm.VIEW_CAMPAIGN not in ROLE_PERMS.get(membership.role, frozenset()):
            continue
        if membership.unit.level > AdministrativeUnit.Level.DISTRICT:
            continue
        for root in _with_former_provinces(membership.unit):
            condition |= Q(path__startswith=root.path)
    return units.filter(condition)
