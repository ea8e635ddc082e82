"""`sathach questions import|export`: the question bank from and to GIFT, Moodle XML, Aiken
and Excel, as contracts/questions.md says."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sathach.core.errors import DomainError
from sathach.exams import formats
from sathach.exams.services.bank import (
    DEFAULT_BANK,
    ImportSummary,
    bank_named,
    import_summary,
    questions_export,
    questions_import,
)
from sathach.organization.selectors import unit_option

IMPORT_FORMATS = ["gift", "moodle-xml", "aiken", "xlsx"]
EXPORT_FORMATS = ["gift", "moodle-xml", "xlsx"]


class Command(BaseCommand):
    help = (
        "The question bank. 'import FILE' reads GIFT, Moodle XML, Aiken or the Excel template "
        "(format from the file name unless --format says; Aiken must be named) and stores "
        "every question or none: on any error nothing is stored and the exit status is 2. "
        "--dry-run reads and reports only; --json prints one JSON document. 'export "
        "--format F' writes the bank's current questions to -o FILE or standard output."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        read = sub.add_parser("import", help="import questions from a file")
        read.add_argument("file", type=Path)
        read.add_argument("--format", choices=IMPORT_FORMATS)
        read.add_argument("--bank", default=DEFAULT_BANK)
        read.add_argument("--unit", metavar="CODE", help="the bank of this unit")
        read.add_argument("--dry-run", action="store_true")
        read.add_argument("--json", action="store_true")
        write = sub.add_parser("export", help="export the bank")
        write.add_argument("--format", choices=EXPORT_FORMATS, required=True)
        write.add_argument("--bank", default=DEFAULT_BANK)
        write.add_argument("--unit", metavar="CODE", help="the bank of this unit")
        write.add_argument("-o", dest="output", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            self.export(options)
        else:
            self.import_(options)

    def export(self, options: dict[str, Any]) -> None:
        try:
            bank = bank_named(options["bank"], unit_option(options["unit"]))
            questions = questions_export(bank=bank)
        except DomainError as error:
            raise CommandError(error.message) from None
        content = formats.write(questions, options["format"])
        if options["output"]:
            options["output"].write_bytes(content)
            self.stderr.write(
                _("%(count)s questions written to %(path)s.")
                % {"count": len(questions), "path": options["output"]}
            )
        else:
            sys.stdout.buffer.write(content)
            sys.stdout.flush()

    def import_(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(path)s: %(reason)s") % {"path": path, "reason": error.strerror}
            ) from None
        fmt = options["format"] or formats.detect_format(path.name, data)
        result = formats.read(data, fmt)
        if options["dry_run"] or result.errors:
            summary = import_summary(result, stored=False)
        else:
            summary = questions_import(
                actor="command",
                result=result,
                bank_name=options["bank"],
                source=path.name,
                unit=unit_option(options["unit"]),
            )
        if options["json"]:
            self.stdout.write(json.dumps(summary.as_json(), ensure_ascii=False))
        else:
            self.stdout.write(self.readable(summary, dry_run=options["dry_run"]))
        if summary.errors:
            sys.exit(2)

    def readable(self, summary: ImportSummary, *, dry_run: bool) -> str:
        lines = []
        if summary.errors:
            lines.append(
                _("Nothing was imported: the file has %(count)s errors.")
                % {"count": len(summary.errors)}
            )
            for error in summary.errors:
                place = (
                    _("cell %(cell)s") % {"cell": error["cell"]}
                    if "cell" in error
                    else _("line %(line)s") % {"line": error["line"]}
                )
                lines.append(f"  {place}: {error['message']}")
        else:
            count = sum(summary.by_type.values())
            lines.append(
                (
                    _("%(count)s questions read (dry run, nothing stored).")
                    if dry_run
                    else _("%(count)s questions imported.")
                )
                % {"count": count}
            )
            for kind, number in sorted(summary.by_type.items()):
                lines.append(f"  {kind}: {number}")
            if summary.categories:
                lines.append(_("Categories: %(list)s") % {"list": ", ".join(summary.categories)})
        for warning in summary.warnings:
            place = str(warning.get("cell") or warning.get("line"))
            lines.append(
                _("Warning (%(place)s): %(message)s")
                % {"place": place, "message": warning["message"]}
            )
        return "\n".join(lines)
