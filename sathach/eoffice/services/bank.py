"""The scenario bank: loading the shipped documents (or a district's own file) into the
database, safe to run again."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sathach.core.audit import AuditAction, audit_log
from sathach.core.errors import DomainError
from sathach.eoffice.documents import render_scenario
from sathach.eoffice.models import DocumentType, Kind, Scenario, Urgency
from sathach.organization.models import HANDLER_POSITIONS

BANK_FILE = Path(__file__).resolve().parent.parent / "data" / "scenarios.json"
FIELDS = (
    "doc_type",
    "number",
    "issuer_parent",
    "issuer",
    "place",
    "issued_days_before",
    "subject",
    "urgency",
    "recipient_line",
    "body",
    "recipients",
    "signer_title",
    "signer_name",
    "main_handler",
    "coordinators",
    "deadline_days",
)


def _check(entry: dict[str, Any], kind: str) -> None:
    code = entry.get("code", "?")
    if entry.get("doc_type") not in DocumentType.values:
        raise DomainError(_("Scenario %(code)s: unknown document type.") % {"code": code})
    if entry.get("urgency", Urgency.NORMAL) not in Urgency.values:
        raise DomainError(_("Scenario %(code)s: unknown urgency.") % {"code": code})
    if not entry.get("subject") or not entry.get("body"):
        raise DomainError(
            _("Scenario %(code)s: the summary and body are required.") % {"code": code}
        )
    if kind == Kind.INCOMING:
        positions = [entry.get("main_handler"), *entry.get("coordinators", [])]
        if any(p not in HANDLER_POSITIONS for p in positions):
            raise DomainError(
                _("Scenario %(code)s: handlers must be commune civil servants.") % {"code": code}
            )


def scenarios_load(*, actor: Any, data: dict[str, Any] | None = None) -> tuple[int, int]:
    """Create or update every scenario of the bank by its code; returns (created, updated).
    An outgoing draft's signer's place is measured by rendering it once."""
    data = data if data is not None else json.loads(BANK_FILE.read_text("utf-8"))
    entries = [(Kind.INCOMING, e) for e in data.get("incoming", [])] + [
        (Kind.OUTGOING, e) for e in data.get("outgoing", [])
    ]
    for kind, entry in entries:
        _check(entry, kind)
    created = updated = 0
    with transaction.atomic():
        for kind, entry in entries:
            values = {name: entry[name] for name in FIELDS if name in entry}
            if kind == Kind.OUTGOING:
                values.setdefault("issuer", "Ủy ban nhân dân xã")
                values.setdefault("main_handler", "")
            values["kind"] = kind
            scenario, was_created = Scenario.objects.update_or_create(
                code=entry["code"], defaults=values
            )
            if kind == Kind.OUTGOING:
                rendered = render_scenario(
                    scenario, test_day=datetime.date(2020, 8, 20), commune=None
                )
                scenario.signer_page = rendered.sign_page
                scenario.signer_box = list(rendered.sign_box)
                scenario.save(update_fields=["signer_page", "signer_box"])
            created += was_created
            updated += not was_created
        audit_log(
            actor=actor,
            action=AuditAction.EOFFICE_SCENARIOS_LOADED,
            summary={"created": created, "updated": updated},
        )
    return created, updated
