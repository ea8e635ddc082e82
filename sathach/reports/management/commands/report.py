"""`sathach report CODE --out DIR`: every report of a campaign, written to a folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sathach.campaigns.selectors import campaign_by_code
from sathach.core.errors import DomainError
from sathach.reports.exporters import EXPORTERS
from sathach.reports.selectors import district_scope
from sathach.reports.services import report_export, report_exporter


class Command(BaseCommand):
    help = (
        "Write every report of the campaign CODE into DIR: the results workbook (.xlsx), the "
        "report on the results and the draft decision on the awards (.docx and .pdf). The "
        "draft decision needs an approved ranking; without one it is skipped with a note. "
        "Files are overwritten, so running it twice is safe. Each file is audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="the campaign's code, e.g. 75/KH-UBND")
        parser.add_argument("--out", type=Path, required=True, help="output folder")
        parser.add_argument(
            "--unit",
            default=None,
            help="official code of the issuing unit, when several units use the same code",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            campaign = campaign_by_code(options["code"], options.get("unit"))
        except DomainError as error:
            raise CommandError(error.message) from error
        out: Path = options["out"]
        out.mkdir(parents=True, exist_ok=True)
        scope = district_scope(campaign)
        for identifier in EXPORTERS:
            exporter = report_exporter(scope=scope, identifier=identifier)
            for fmt in exporter.formats:
                try:
                    exported = report_export(
                        actor="command",
                        scope=scope,
                        identifier=identifier,
                        fmt=fmt,
                        exporter=exporter,
                    )
                except DomainError as error:
                    self.stdout.write(
                        _("Skipped %(report)s (%(format)s): %(reason)s")
                        % {"report": exporter.title, "format": fmt, "reason": error.message}
                    )
                    continue
                target = out / exported.filename
                target.write_bytes(exported.content)
                self.stdout.write(_("Written: %(path)s") % {"path": target})
