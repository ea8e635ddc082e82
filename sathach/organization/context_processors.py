from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sathach.organization.permissions import Perm, roles, user_can

# (url name, label, permission or None for every signed-in user)
NAVIGATION = [
    ("home", _("Home"), None),
    ("my-tests", _("My tests"), Perm.TAKE_EXAM),
    ("eoffice-my", _("E-office test"), Perm.TAKE_EXAM),
    ("my-signature", _("My signing certificate"), Perm.TAKE_EXAM),
    ("my-appeals", _("My results and reviews"), Perm.TAKE_EXAM),
    ("campaign-list", _("Campaigns"), Perm.VIEW_CAMPAIGN),
    ("report-list", _("Reports"), Perm.EXPORT_REPORTS),
    ("dashboard-list", _("Dashboards"), Perm.VIEW_CAMPAIGN),
    ("question-list", _("Question bank"), Perm.MANAGE_EXAMS),
    ("pki-overview", _("Signing certificates"), Perm.MANAGE_PKI),
    ("document-seal", _("Organisation's signature"), Perm.SEAL_DOCUMENTS),
    ("signature-verify", _("Check a digital signature"), None),
    ("unit-list", _("Units"), Perm.VIEW_ORGANIZATION),
    ("person-list", _("People"), Perm.VIEW_ORGANIZATION),
    ("account-list", _("Accounts"), Perm.MANAGE_ACCOUNTS),
    ("account-lockouts", _("Failed sign-ins"), Perm.MANAGE_ACCOUNTS),
    ("audit-list", _("Audit log"), Perm.VIEW_AUDIT),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [
        {"url": reverse(name), "label": label, "active": request.path == reverse(name)}
        for name, label, perm in NAVIGATION
        if perm is None or user_can(user, perm)
    ]
    for item in items[1:]:
        item["active"] = request.path.startswith(str(item["url"]))
    return {"nav_items": items, "user_roles": roles(user)}
