"""The home page: each role starts at its work, with links to where it is done.

- the district's or province's admin: the campaigns in progress with their gaps
  (campaigns/work.py), the failed sign-ins and locked accounts of its units
  (lockouts.py), the organization's figures;
- a commune officer: its commune's readiness and its leaders not yet tested;
- the council: the rankings that wait for its approval;
- a proctor: its sessions of today, both contents (exams/today.py);
- an examinee: both contents of its campaigns, with their times.

A user with several roles gets each role's part. Each part is read only for those who hold
its permission, in a bounded number of queries whatever the size of the units.
"""

from __future__ import annotations

from typing import Any

from sathach.campaigns.work import campaigns_to_run, commune_work, council_work
from sathach.exams.today import examinee_tests, proctor_sessions_today
from sathach.organization.lockouts import RECENT_DAYS, lockout_counts
from sathach.organization.models import LEADER_POSITIONS, AdministrativeUnit, Person, Role
from sathach.organization.permissions import Perm, memberships, units_for_user, user_can


def organization_figures(user: Any) -> dict[str, int]:
    """The units, people and leaders the user keeps, and what is still missing there."""
    units = units_for_user(user, Perm.VIEW_ORGANIZATION)
    communes = units.filter(level=AdministrativeUnit.Level.COMMUNE)
    people = Person.objects.filter(unit__in=units)
    leaders = people.filter(position__in=LEADER_POSITIONS)
    return {
        "units": units.count(),
        "communes": communes.count(),
        "people": people.count(),
        "leaders": leaders.count(),
        "leaders_without_account": leaders.filter(user__isnull=True).count(),
        "communes_without_leaders": communes.exclude(people__position__in=LEADER_POSITIONS).count(),
    }


def home_context(user: Any) -> dict[str, Any]:
    """What the user's home page shows, role by role."""
    held = memberships(user)
    roles = {membership.role for membership in held}
    context: dict[str, Any] = {
        # Each part is None for those it is not for (a template reads a missing name as "").
        "campaigns": None,
        "communes": None,
        "council": None,
        "sign_ins": None,
        "organization": None,
        "tests": None,
        "memberships": held,
        "can_manage_units": user_can(user, Perm.MANAGE_UNITS),
        "can_manage_people": user_can(user, Perm.MANAGE_PEOPLE),
        "can_manage_accounts": user_can(user, Perm.MANAGE_ACCOUNTS),
        "is_examinee": Role.EXAMINEE in roles,
        "is_proctor": Role.PROCTOR in roles,
        "is_council": user_can(user, Perm.APPROVE_RANKING),
    }
    if user_can(user, Perm.MANAGE_CAMPAIGN):
        context["campaigns"], context["more_campaigns"] = campaigns_to_run(user)
    if Role.COMMUNE_OFFICER in roles:
        context["communes"] = commune_work(user)
    if context["is_council"]:
        context["council"] = council_work(user)
    if context["can_manage_accounts"]:
        locked, failures = lockout_counts(user)
        context["sign_ins"] = {"locked": locked, "failures": failures, "days": RECENT_DAYS}
    if context["can_manage_people"]:
        # Those who keep the organization see its figures; the council and the proctors
        # read it, but their work is elsewhere.
        context["organization"] = organization_figures(user)
    if user_can(user, Perm.RUN_SESSIONS):
        # An admin who runs a session today gets it too; the next ones are the proctor's.
        today, upcoming = proctor_sessions_today(user, upcoming=context["is_proctor"])
        context["sessions_today"], context["sessions_upcoming"] = today, upcoming
        context["is_proctor"] = context["is_proctor"] or bool(today)
    if context["is_examinee"]:
        person = Person.objects.filter(user=user).select_related("unit").first()
        context["person"] = person
        context["tests"] = examinee_tests(user, person)
    return context
