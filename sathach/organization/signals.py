"""Sign-in events go to the audit log like every other change."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from sathach.core.audit import AuditAction, audit_log


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_log(actor=user, action=AuditAction.LOGIN, obj=user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_log(actor=user, action=AuditAction.LOGOUT, obj=user)


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:150]
    audit_log(
        actor=username or "anonymous",
        action=AuditAction.LOGIN_FAILED,
        summary={"username": username},
    )
