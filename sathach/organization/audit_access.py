from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from sathach.core.audit import AuditAction
from sathach.core.models import AuditEntry
from sathach.organization.permissions import Perm, memberships, user_can

# Changes that apply below the unit they are filed under: the roots that validation trusts.
# An admin reads them when they count in the admin's units: the installation's and those of
# the units above.
APPLY_BELOW = (AuditAction.TRUST_ANCHOR_ADDED, AuditAction.TRUST_ANCHOR_REMOVED)


def audit_entries_for_user(user: Any) -> QuerySet[AuditEntry]:
    """Entries about the units the user administers; entries without a unit only for
    superusers and province admins (sign-ins and system actions); changes of trust that
    apply in the user's units, wherever they are filed."""
    entries = AuditEntry.objects.all()
    if user.is_superuser:
        return entries
    condition = Q(pk__in=[])
    for membership in memberships(user):
        if user_can(user, Perm.VIEW_AUDIT, membership.unit):
            condition |= Q(unit_path__startswith=membership.unit.path)
            if membership.unit.level == 1:
                condition |= Q(unit_path="")
            condition |= Q(action__in=APPLY_BELOW) & Q(
                unit_path__in=["", *_paths_above(membership.unit.path)]
            )
    return entries.filter(condition)


def _paths_above(path: str) -> list[str]:
    """'/1/5/9/' → ['/1/', '/1/5/']."""
    parts = [part for part in path.strip("/").split("/") if part]
    return ["/" + "/".join(parts[:n]) + "/" for n in range(1, len(parts))]
