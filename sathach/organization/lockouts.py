"""Failed sign-ins and locked accounts, as django-axes records them, for the administrators
of the accounts' units; lifting a lock (`account_unlock`) with a reason.

django-axes (settings AXES_*) counts failures per account and client address: five in a
row lock that account from that address for AXES_COOLOFF_MINUTES (an AccessAttempt row whose
count reached the limit, younger than the cool-off). Each failure is also kept in
AccessFailureLog (AXES_ENABLE_ACCESS_FAILURE_LOG), which the list of recent failures reads.
Only accounts inside the administrator's units are shown (`users_for_user`, as the accounts
list): a user name that is no account, or another district's account, is nobody's here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from axes.helpers import get_cool_off
from axes.models import AccessAttempt, AccessFailureLog
from axes.utils import reset
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sathach.core.audit import AuditAction, audit_log
from sathach.core.errors import DomainError
from sathach.core.text import nfc
from sathach.organization.models import User
from sathach.organization.permissions import Perm, users_for_user

RECENT_DAYS = 7
RECENT_LIMIT = 200
REASON_MIN_LENGTH = 10


@dataclass
class LockedAccount:
    user: User
    addresses: list[str] = field(default_factory=list)
    failures: int = 0
    until: datetime | None = None


def _cool_off() -> timedelta:
    return get_cool_off() or timedelta(0)


def _locking_attempts(now: datetime) -> Any:
    """AccessAttempt rows that lock an account now."""
    return AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=now - _cool_off(),
    )


def locked_accounts_for_user(user: Any) -> list[LockedAccount]:
    """The accounts inside the user's units that are locked now, each with the addresses it
    is locked from, its failures and when the last lock ends by itself."""
    now = timezone.now()
    accounts = {
        account.username: account
        for account in users_for_user(user, Perm.MANAGE_ACCOUNTS).filter(
            username__in=_locking_attempts(now).values("username")
        )
    }
    locked: dict[str, LockedAccount] = {}
    for attempt in (
        _locking_attempts(now).filter(username__in=list(accounts)).order_by("attempt_time")
    ):
        entry = locked.setdefault(attempt.username, LockedAccount(accounts[attempt.username]))
        entry.addresses.append(attempt.ip_address or "?")
        entry.failures += attempt.failures_since_start
        entry.until = attempt.attempt_time + _cool_off()
    return sorted(locked.values(), key=lambda entry: entry.user.username)


def recent_failures_for_user(user: Any) -> list[Any]:
    """The failed sign-ins of the last RECENT_DAYS days to accounts inside the user's units,
    newest first, each with its account (`account`)."""
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    accounts = users_for_user(user, Perm.MANAGE_ACCOUNTS)
    failures = list(
        AccessFailureLog.objects.filter(
            username__in=accounts.values("username"), attempt_time__gte=since
        ).order_by("-attempt_time")[:RECENT_LIMIT]
    )
    by_name = {a.username: a for a in accounts.filter(username__in={f.username for f in failures})}
    for failure in failures:
        failure.account = by_name.get(failure.username)
    return failures


def lockout_counts(user: Any) -> tuple[int, int]:
    """For the home page, in two queries: how many accounts inside the user's units are
    locked now, and how many failed sign-ins they had in the last RECENT_DAYS days."""
    now = timezone.now()
    names = users_for_user(user, Perm.MANAGE_ACCOUNTS).values("username")
    locked = _locking_attempts(now).filter(username__in=names).values("username").distinct().count()
    failures = AccessFailureLog.objects.filter(
        username__in=names, attempt_time__gte=now - timedelta(days=RECENT_DAYS)
    ).count()
    return locked, failures


def account_unlock(*, actor: Any, user: User, reason: str) -> int:
    """Lift the sign-in lock of `user` from every address, with a reason of at least
    REASON_MIN_LENGTH characters; the failures counted so far are cleared, the failure log
    is kept. Returns the number of lock records cleared."""
    reason = nfc(reason or "").strip()
    if len(reason) < REASON_MIN_LENGTH:
        raise DomainError(
            _("Give the reason for unlocking (at least %(count)s characters).")
            % {"count": REASON_MIN_LENGTH}
        )
    with transaction.atomic():
        if not _locking_attempts(timezone.now()).filter(username=user.username).exists():
            raise DomainError(_("This account is not locked."))
        cleared = reset(username=user.username)
        audit_log(
            actor=actor,
            action=AuditAction.ACCOUNT_UNLOCKED,
            obj=user,
            summary={"reason": reason, "cleared": cleared},
        )
    return cleared
