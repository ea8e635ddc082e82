from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from sathach.core.models import AuditEntry
from sathach.core.permissions import Perm, memberships, user_can


def audit_entries_for_user(user: Any) -> QuerySet[AuditEntry]:
    """Entries about the units the user administers; entries without a unit only for
    superusers and province admins (sign-ins and system actions)."""
    entries = AuditEntry.objects.all()
    if user.is_superuser:
        return entries
    condition = Q(pk__in=[])
    for membership in memberships(user):
        if user_can(user, Perm.VIEW_AUDIT, membership.unit):
            condition |= Q(unit_path__startswith=membership.unit.path)
            if membership.unit.level == 1:
                condition |= Q(unit_path="")
    return entries.filter(condition)
