"""`sathach units …`: administrative units from the command line."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sathach.core.errors import DomainError
from sathach.organization.official import units_load_official


class Command(BaseCommand):
    help = (
        "Administrative units. 'load-official PROVINCE [--district CODE] [--source FILE]' "
        "creates or updates a province (or one of its districts) from an official list of "
        "the vietnam-provinces package: the installed one (divisions before 1/7/2025) by "
        "default, or the nested-divisions.json, wheel or unpacked directory of another "
        "version (2025 and later: the merged divisions). Safe to run again: nothing is "
        "deleted, renamed units are renamed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load-official", help="load a province from an official list")
        load.add_argument("province", type=int, help="official province code, e.g. 94")
        load.add_argument("--district", type=int, help="only this district, e.g. 945")
        load.add_argument("--source", help="nested-divisions.json, .whl or directory")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load-official":
            try:
                result = units_load_official(
                    actor="cli",
                    province_code=options["province"],
                    district_code=options.get("district"),
                    source=options.get("source"),
                )
            except DomainError as error:
                raise CommandError(error.message) from None
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
