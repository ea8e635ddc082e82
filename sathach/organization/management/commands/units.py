"""`sathach units …`: administrative units from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sathach.core.errors import DomainError, ImportErrors
from sathach.organization.merger import units_migrate_2025
from sathach.organization.models import AdministrativeUnit
from sathach.organization.official import units_load_official
from sathach.organization.transfer import CLI_ACTOR, error_lines, units_export, units_import


class Command(BaseCommand):
    help = (
        "Administrative units. 'load-official PROVINCE [--era 2025|2020] [--district CODE] "
        "[--json]' creates or updates a province (or, before 1/7/2025, one of its districts) "
        "from the official list shipped with the project, with no download: the divisions "
        "from 1/7/2025 by default, those before with --era 2020; --source FILE reads the "
        "nested-divisions.json, wheel or unpacked directory of a vietnam-provinces version "
        "instead. --json prints one document: era, province, created, updated and the units "
        "per level. Safe to run again: nothing is deleted, renamed units are renamed. "
        "'import FILE [--era 2020|2025]' adds or updates "
        "units from an .xlsx file made from the template, all or nothing: on any mistake "
        "nothing is stored, each mistake is printed on stderr with its row and column, and "
        "the exit status is 2. 'export FILE [--era 2020|2025]' writes every unit of one era "
        "in the template's layout. 'migrate-2025 PROVINCE [--dry-run] [--assign OLD=NEW …] "
        "[--json]' moves the people, the accounts' commune roles and (with their people) the "
        "signing devices of the communes before 1/7/2025 merged into today's province "
        "PROVINCE to the communes that took them in, all or nothing; a commune split between "
        "several stays unless --assign names one of them; --dry-run lists what goes where and "
        "stores nothing. Past campaigns keep their own units. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load-official", help="load a province from an official list")
        eras = AdministrativeUnit.Era.values
        load.add_argument("province", type=int, help="official province code, e.g. 92")
        load.add_argument("--era", choices=eras, help="list of divisions (default: 2025)")
        load.add_argument("--district", type=int, help="before 1/7/2025: only this district")
        load.add_argument("--source", help="nested-divisions.json, .whl or directory")
        load.add_argument("--json", action="store_true", help="print one JSON document")
        default = AdministrativeUnit.Era.BEFORE_2025
        upload = sub.add_parser("import", help="import units from an .xlsx file")
        upload.add_argument("file", help="an .xlsx file made from the template")
        upload.add_argument("--era", choices=eras, default=default, help="list of divisions")
        migrate = sub.add_parser("migrate-2025", help="move a province to the 2025 communes")
        migrate.add_argument("province", type=int, help="today's province code, e.g. 92")
        migrate.add_argument("--dry-run", action="store_true", help="list, store nothing")
        migrate.add_argument(
            "--assign", action="append", default=[], help="OLD=NEW for a split commune"
        )
        migrate.add_argument("--json", action="store_true", help="print one JSON document")
        download = sub.add_parser("export", help="export units to an .xlsx file")
        download.add_argument("file", help="the .xlsx file to write")
        download.add_argument("--era", choices=eras, default=default, help="list of divisions")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load-official":
            self._load_official(options)
        elif options["action"] == "migrate-2025":
            self._migrate(options)
        elif options["action"] == "import":
            self._import(Path(options["file"]), options["era"])
        elif options["action"] == "export":
            content = units_export(CLI_ACTOR, era=options["era"])
            write_file(Path(options["file"]), content)
            self.stdout.write(_("Wrote %(file)s.") % {"file": options["file"]})

    def _load_official(self, options: dict[str, Any]) -> None:
        try:
            result = units_load_official(
                actor=CLI_ACTOR,
                province_code=options["province"],
                district_code=options.get("district"),
                source=options.get("source"),
                # The list shipped by default is today's; a file's layout says its own era.
                era=options.get("era")
                or (None if options.get("source") else AdministrativeUnit.Era.FROM_2025),
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        if options.get("json"):
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
            return
        self.stdout.write(
            _(
                "%(province)s (divisions of %(era)s): %(created)s units created, "
                "%(updated)s updated, %(unchanged)s unchanged."
            )
            % {
                "province": result.province,
                "era": result.era,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            }
        )

    def _migrate(self, options: dict[str, Any]) -> None:
        assign = {}
        for pair in options["assign"]:
            old, sep, new = pair.partition("=")
            if not sep or not old.strip().isdigit() or not new.strip().isdigit():
                raise CommandError(
                    _("--assign takes OLD=NEW, two commune codes: %(value)s") % {"value": pair}
                )
            assign[old.strip()] = new.strip()
        try:
            plan = units_migrate_2025(
                actor=CLI_ACTOR,
                province_code=options["province"],
                dry_run=options["dry_run"],
                assign=assign,
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        if options["json"]:
            self.stdout.write(json.dumps(plan.as_json(), ensure_ascii=False))
            return
        for move in plan.moves:
            assert move.target is not None
            self.stdout.write(
                f"{move.unit.code} {move.unit.name} → {move.target.code} {move.target.name}"
            )
        for move in plan.unmapped:
            choices = ", ".join(f"{c.code} {c.name}" for c in move.candidates) or "—"
            self.stdout.write(
                _("%(code)s %(name)s: not moved, choose one of: %(choices)s")
                % {"code": move.unit.code, "name": move.unit.name, "choices": choices}
            )
        self.stdout.write(plan.describe())

    def _import(self, path: Path, era: str) -> None:
        content = read_file(path)
        try:
            summary = units_import(actor=CLI_ACTOR, content=content, era=era)
        except ImportErrors as error:
            for line in error_lines(error):
                self.stderr.write(line)
            raise SystemExit(2) from None
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(summary.describe())


def read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise CommandError(
            _("Cannot read %(file)s: %(reason)s") % {"file": path, "reason": error.strerror}
        ) from None


def write_file(path: Path, content: bytes) -> None:
    try:
        path.write_bytes(content)
    except OSError as error:
        raise CommandError(
            _("Cannot write %(file)s: %(reason)s") % {"file": path, "reason": error.strerror}
        ) from None
