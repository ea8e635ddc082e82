"""Producing a report file, audited: who exported which report of which campaign, for which
communes, and the SHA-256 of what they received."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sathach.core.audit import AuditAction, audit_log
from sathach.core.errors import DomainError
from sathach.reports.exporters import CONTENT_TYPES, EXPORTERS, Exporter
from sathach.reports.selectors import ReportScope, campaign_figures


@dataclass(frozen=True)
class ExportedFile:
    filename: str
    content_type: str
    content: bytes


def report_exporter(*, scope: ReportScope, identifier: str) -> Exporter:
    """The exporter of a report over the scope, with the campaign's figures read once."""
    try:
        exporter_class = EXPORTERS[identifier]
    except KeyError:
        raise DomainError(_("There is no such report.")) from None
    return exporter_class(campaign_figures(scope))


def report_export(
    *, actor: Any, scope: ReportScope, identifier: str, fmt: str, exporter: Exporter | None = None
) -> ExportedFile:
    """Render one report in one format and write the audit entry.

    Raises DomainError when the report does not exist in that format or cannot be produced
    yet (the draft decision before an approved ranking) or not for this scope (a commune
    officer asking for a district document).
    """
    exporter = exporter or report_exporter(scope=scope, identifier=identifier)
    if fmt not in exporter.formats:
        raise DomainError(_("This report is not produced in that format."))
    refusal = exporter.unavailable()
    if refusal:
        raise DomainError(refusal)
    content = exporter.render(fmt)
    filename = exporter.filename(fmt)
    campaign = scope.campaign
    with transaction.atomic():
        audit_log(
            actor=actor,
            action=AuditAction.REPORT_EXPORTED,
            obj=campaign,
            unit=campaign.issuing_unit if scope.district else scope.units[0],
            summary={
                "report": exporter.identifier,
                "format": fmt,
                "file": filename,
                "scope": "district" if scope.district else scope.unit_codes,
                "sha256": hashlib.sha256(content).hexdigest(),
                "bytes": len(content),
            },
        )
    return ExportedFile(filename, CONTENT_TYPES[fmt], content)
