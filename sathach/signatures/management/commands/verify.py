"""`sathach verify FILE.pdf …`: judge a signed PDF (contracts/verify.md)."""

from __future__ import annotations

import datetime
import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sathach.organization.selectors import unit_option
from sathach.signatures.trust import trust_roots_for
from sathach.signatures.validation import (
    MODIFICATION_LABELS,
    REASON_MESSAGES,
    VIETNAM,
    Verdict,
    certificate_ders,
    validate_pdf,
)

EXIT_INVALID = 1
EXIT_CANNOT_JUDGE = 2


def _no_usage(file: Any = None) -> None:
    """argparse prints the whole usage before a usage error; the contract wants one line."""


@contextmanager
def _quiet_logging() -> Iterator[None]:
    """pyHanko logs every rejected file as a warning with its traceback: judging a
    tampered file is this command's normal work, and stderr is for the one-line reason."""
    previous = logging.root.manager.disable
    logging.disable(logging.CRITICAL)
    try:
        yield
    finally:
        logging.disable(previous)


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def render_verdict(verdict: Verdict, file_name: str) -> str:
    """The verdict for a terminal, in Vietnamese."""
    lines = [
        _("File: %(file)s") % {"file": file_name},
        _("Verdict: VALID") if verdict.valid else _("Verdict: NOT VALID"),
    ]
    if verdict.reasons:
        lines.append(_("Reasons:"))
        lines += [f"  - {REASON_MESSAGES[code]} ({code})" for code in verdict.reasons]
    for number, signature in enumerate(verdict.signatures, start=1):
        if signature.signing_time:
            when = signature.signing_time.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M:%S %z")
        else:
            when = _("not stated")
        if signature.visible:
            rect = ", ".join(f"{v:g}" for v in signature.rect or [])
            appearance = _("page %(page)s, rectangle [%(rect)s]") % {
                "page": signature.page,
                "rect": rect,
            }
        else:
            appearance = _("invisible")
        rows = [
            (_("Signer"), signature.signer_subject),
            (_("Certificate serial number"), signature.signer_serial),
            (_("Certificate SHA-256"), signature.signer_sha256),
            (_("Certificate issuer"), signature.issuer_subject),
            (_("Signing time"), when),
            (_("Intact"), _yes_no(signature.intact)),
            (_("Trusted"), _yes_no(signature.trusted)),
            (_("Certificate valid for signing"), _yes_no(signature.cert_valid)),
            (_("Changes after signing"), str(MODIFICATION_LABELS[signature.modification])),
            (_("Appearance"), appearance),
        ]
        width = max(len(label) for label, _value in rows)
        title = _("Signature %(number)s: field %(field)s") % {
            "number": number,
            "field": signature.field,
        }
        lines += ["", title]
        lines += [f"  {label.ljust(width)}  {value}" for label, value in rows]
    return "\n".join(lines)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise CommandError(
            _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error.strerror or error},
            returncode=EXIT_CANNOT_JUDGE,
        ) from None


def _certificates(path: Path) -> list[bytes]:
    try:
        return certificate_ders(_read(path))
    except ValueError:
        raise CommandError(
            _("%(path)s is not a certificate (PEM or DER) that can be read.") % {"path": path},
            returncode=EXIT_CANNOT_JUDGE,
        ) from None


def _moment(value: str | None) -> datetime.datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("--at %(value)s is not an ISO 8601 time such as 2020-07-27T08:30:00+07:00.")
            % {"value": value},
            returncode=EXIT_CANNOT_JUDGE,
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=VIETNAM)


class Command(BaseCommand):
    help = (
        "Judge a signed PDF: every signature intact, its certificate chaining to a trusted "
        "root, valid at the judging time and allowed to sign, and nothing but later "
        "signatures added after each signature. --trust CERT (repeatable) replaces the "
        "installation's trust store; --signer CERT requires the first signature to be made "
        "with that certificate; --require-visible requires it to be visible on a page; --at "
        "TIME judges certificates at an ISO 8601 time instead of now; --json prints one JSON "
        "document (contracts/verify.md). Exit status 0 valid, 1 not valid, 2 could not judge."
    )
    requires_system_checks: list[str] = []

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.print_usage = _no_usage  # type: ignore[method-assign]
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, metavar="FILE.pdf")
        parser.add_argument(
            "--trust",
            type=Path,
            action="append",
            default=[],
            metavar="CERT",
            help="a trusted root certificate, PEM or DER (repeatable)",
        )
        parser.add_argument(
            "--signer",
            type=Path,
            metavar="CERT",
            help="the certificate the first signature must be made with",
        )
        parser.add_argument(
            "--require-visible",
            action="store_true",
            help="the first signature must be visible on a page",
        )
        parser.add_argument("--at", metavar="TIME", help="judge certificates at this time")
        parser.add_argument(
            "--unit",
            metavar="CODE",
            help="also trust the roots of this unit and of the units above it",
        )
        parser.add_argument("--json", action="store_true", help="one JSON document on stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        data = _read(path)
        trusted = [der for cert in options["trust"] for der in _certificates(cert)]
        signer = _certificates(options["signer"])[0] if options["signer"] else None
        at = _moment(options["at"])
        unit = unit_option(options["unit"], returncode=EXIT_CANNOT_JUDGE)
        units = [unit] if unit is not None else []
        roots = trusted if options["trust"] else trust_roots_for(units)
        if not roots:
            self.stderr.write(
                _("Warning: no trusted root is installed; no signature can be trusted.")
            )
        with _quiet_logging():
            verdict = validate_pdf(
                data,
                trust_roots=roots,
                signer=signer,
                require_visible=options["require_visible"],
                at=at,
            )
        if options["json"]:
            self.stdout.write(json.dumps(verdict.as_json(path.name), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(render_verdict(verdict, path.name))
        if not verdict.valid:
            self.stdout.flush()
            sys.exit(EXIT_INVALID)
