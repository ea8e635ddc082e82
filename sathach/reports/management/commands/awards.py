"""`sathach awards certificates CODE --out DIR`: the signed Giấy khen of a campaign."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sathach.campaigns.selectors import campaign_by_code
from sathach.core.errors import DomainError
from sathach.reports.awards import award_certificates_write


class Command(BaseCommand):
    help = (
        "certificates CODE --out DIR: sign the Giấy khen of every collective awarded by the "
        "latest decision of the campaign CODE with the district Chairman's certificate and "
        "write one PDF each into DIR. The PIN is asked for (or read from --pin-file, first "
        "line). Refused before anything is signed when the PIN is wrong or the Chairman has "
        "no certificate. Running it twice signs the certificates again and overwrites the "
        "files; every file is stored and audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        certificates = sub.add_parser("certificates", help="sign and write the Giấy khen")
        certificates.add_argument("code", help="the campaign's code, e.g. 75/KH-UBND")
        certificates.add_argument("--out", type=Path, required=True, help="output folder")
        certificates.add_argument("--pin-file", type=Path, help="a file holding the PIN")
        certificates.add_argument(
            "--unit", default=None, help="official code of the issuing unit, if ambiguous"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            campaign = campaign_by_code(options["code"], options.get("unit"))
        except DomainError as error:
            raise CommandError(error.message) from error
        if options["pin_file"]:
            try:
                lines = options["pin_file"].read_text().splitlines()
            except OSError as error:
                raise CommandError(str(error)) from None
            pin = lines[0].strip() if lines else ""
        else:
            pin = getpass.getpass(_("PIN of the district Chairman's certificate: "))
        try:
            written = award_certificates_write(
                actor="command", campaign=campaign, pin=pin, out_dir=options["out"]
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        for path in written:
            self.stdout.write(str(path))
