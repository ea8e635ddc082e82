"""`sathach pki …`: the exam PKI from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sathach.core.errors import DomainError
from sathach.organization.models import Person
from sathach.organization.selectors import unit_option
from sathach.signatures.models import Authority, TrustAnchor
from sathach.signatures.services import (
    certificate_issue,
    crl_publish,
    pki_init,
    trust_anchor_add,
    trust_anchor_remove,
)


class Command(BaseCommand):
    help = (
        "The exam PKI. 'init [--organization NAME]' creates the exam root CA, the issuing CA "
        "and the offline time-stamping authority (keys encrypted with SATHACH_PKI_KEY) and "
        "publishes a CRL; refused when they exist. 'issue PERSON_ID [--rsa]' issues a leader a "
        "signing certificate kept as a PIN-protected virtual token. 'crl [-o FILE]' publishes "
        "a new CRL. 'trust add FILE [--name N] [--unit CODE]', 'trust list', "
        "'trust remove FINGERPRINT [--unit CODE]' manage the roots validation trusts besides "
        "the exam root: the installation's (no --unit) or a unit's and those below it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        init = sub.add_parser("init", help="create the exam CA")
        init.add_argument("--organization", default="UBND huyện Cù Lao Dung")
        issue = sub.add_parser("issue", help="issue a leader a signing certificate")
        issue.add_argument("person", type=int)
        issue.add_argument("--rsa", action="store_true", help="RSA-2048 instead of ECDSA P-256")
        crl = sub.add_parser("crl", help="publish a new CRL")
        crl.add_argument("-o", dest="output", type=Path)
        trust = sub.add_parser("trust", help="the trust store")
        trust_sub = trust.add_subparsers(dest="trust_action", required=True)
        add = trust_sub.add_parser("add")
        add.add_argument("file", type=Path)
        add.add_argument("--name", default="")
        add.add_argument("--unit", metavar="CODE", help="trusted in this unit and below it")
        trust_sub.add_parser("list")
        remove = trust_sub.add_parser("remove")
        remove.add_argument("fingerprint")
        remove.add_argument("--unit", metavar="CODE", help="the unit the root was added for")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"do_{options['action']}")(options)
        except DomainError as error:
            raise CommandError(error.message) from None

    def do_init(self, options: dict[str, Any]) -> None:
        for authority in pki_init(actor="command", organization=options["organization"]):
            self.stdout.write(f"{authority.get_kind_display()}: {authority.name}")

    def do_issue(self, options: dict[str, Any]) -> None:
        person = Person.objects.filter(pk=options["person"]).select_related("unit").first()
        if person is None:
            raise CommandError(_("No person has the id %(id)s.") % {"id": options["person"]})
        token = certificate_issue(
            actor="command", person=person, key_type="rsa" if options["rsa"] else "ec"
        )
        self.stdout.write(
            _("Issued %(serial)s to %(name)s; the leader sets the PIN before signing.")
            % {"serial": token.serial, "name": person.full_name}
        )

    def do_crl(self, options: dict[str, Any]) -> None:
        crl = crl_publish(actor="command")
        if options["output"]:
            options["output"].write_bytes(crl)
        number = Authority.objects.get(kind=Authority.Kind.ISSUING).crl_number
        self.stdout.write(_("CRL number %(number)s published.") % {"number": number})

    def do_trust(self, options: dict[str, Any]) -> None:
        action = options["trust_action"]
        if action == "add":
            try:
                data = options["file"].read_bytes()
            except OSError as error:
                raise CommandError(str(error.strerror)) from None
            anchor = trust_anchor_add(
                actor="command", data=data, name=options["name"], unit=unit_option(options["unit"])
            )
            self.stdout.write(f"{anchor.fingerprint}  {anchor.name}")
        elif action == "list":
            for anchor in TrustAnchor.objects.select_related("unit").order_by("unit", "name"):
                scope = anchor.unit.code if anchor.unit else "*"
                self.stdout.write(
                    f"{anchor.fingerprint}  {anchor.not_after:%d/%m/%Y}  {scope}  {anchor.name}"
                )
        else:
            found = TrustAnchor.objects.filter(
                fingerprint=options["fingerprint"].lower(), unit=unit_option(options["unit"])
            ).first()
            if found is None:
                raise CommandError(_("No trusted root has this fingerprint."))
            trust_anchor_remove(actor="command", anchor=found)
