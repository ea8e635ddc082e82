"""Checking a signed PDF on a page: the verification page open to every signed-in user, and a
leader's check of a file they signed elsewhere against their registered certificate.

Uploads are judged in memory and never stored; the pictures of the signed pages go back
inside the page as data: URIs, so nothing needs a second request."""

from __future__ import annotations

import base64
import datetime
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.x509.oid import NameOID
from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sathach.campaigns.models import SigningDevice
from sathach.core.errors import DomainError
from sathach.organization.models import SIGNER_POSITIONS, Person
from sathach.organization.permissions import Perm, units_for_user
from sathach.signatures.models import LeaderCertificate, SealCertificate
from sathach.signatures.sandbox import Inspection
from sathach.signatures.trust import trust_units_of
from sathach.signatures.uploads import (
    PdfFileField,
    document_accept_signed,
    inspect_upload,
    people_with_certificates,
    registered_certificates,
)
from sathach.signatures.validation import (
    MODIFICATION_LABELS,
    REASON_MESSAGES,
    VIETNAM,
    SignatureReport,
    Verdict,
    certificate_ders,
)

# Each picture runs pdftoppm once: a file with many signatures shows the first few.
MAX_PICTURES = 6
CERTIFICATE_MAX_BYTES = 64 * 1024


def signers_for_user(user: Any) -> QuerySet[Person]:
    """The leaders with a registered certificate whom the user may see: those of the units
    the user reads, and the user's own person."""
    visible = Q(unit__in=units_for_user(user, Perm.VIEW_ORGANIZATION)) | Q(user_id=user.pk)
    with_certificate = Person.objects.filter(people_with_certificates()).values("pk")
    return (
        Person.objects.filter(visible, position__in=SIGNER_POSITIONS, pk__in=with_certificate)
        .select_related("unit")
        .order_by("unit__code", "sort_key")
    )


class LeaderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} — {obj.get_position_display()}, {obj.unit.name}"


class VerifyForm(forms.Form):
    document = PdfFileField(label=gettext_lazy("Signed PDF"))
    expected_person = LeaderChoiceField(
        label=gettext_lazy("Expected signer: a registered leader"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=gettext_lazy("— do not check the signer —"),
    )
    expected_certificate = forms.FileField(
        label=gettext_lazy("or the expected signer's certificate (.cer, .crt, .pem, .der)"),
        required=False,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["expected_person"]
        field.queryset = signers_for_user(user)

    def clean_expected_certificate(self) -> bytes | None:
        upload = self.cleaned_data.get("expected_certificate")
        if not upload:
            return None
        if upload.size > CERTIFICATE_MAX_BYTES:
            raise forms.ValidationError(_("A certificate file is smaller than 64 KB."))
        try:
            return certificate_ders(bytes(upload.read()))[0]
        except ValueError:
            raise forms.ValidationError(
                _("The file is not a certificate (.cer, .crt, .pem or .der) that can be read.")
            ) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("expected_person") and data.get("expected_certificate"):
            raise forms.ValidationError(
                _("Choose a leader or upload a certificate as the expected signer, not both.")
            )
        return data


class SignedFileForm(forms.Form):
    document = PdfFileField(label=gettext_lazy("The PDF you signed"))


@dataclass
class SignatureView:
    """One signature as the page shows it."""

    number: int
    report: SignatureReport
    name: str
    position: str
    unit: str
    not_before: datetime.datetime
    not_after: datetime.datetime
    signing_time: str
    time_trusted: bool
    document_timestamp: bool
    revocation: str
    revoked: bool
    modification: str
    appearance: str
    picture: str | None


@dataclass
class VerdictView:
    file_name: str
    verdict: Verdict
    reasons: list[tuple[str, str]]
    signatures: list[SignatureView]
    expected: str


def _attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    return ", ".join(str(a.value) for a in name.get_attributes_for_oid(oid))


def _revocation(report: SignatureReport) -> tuple[str, bool]:
    """What the platform knows of the certificate's revocation: only the exam CA's own
    certificates have a revocation list here."""
    known = (
        LeaderCertificate.objects.filter(fingerprint=report.signer_sha256).first()
        or SealCertificate.objects.filter(fingerprint=report.signer_sha256).first()
    )
    if known is None:
        return _("unknown: the platform holds no revocation list of its authority"), False
    if known.revoked_at is not None:
        when = known.revoked_at.astimezone(VIETNAM).strftime("%d/%m/%Y")
        return _("revoked on %(date)s") % {"date": when}, True
    return _("not revoked"), False


def verdict_view(inspection: Inspection, *, file_name: str, expected: str = "") -> VerdictView:
    """The verdict in words, with a picture of the page under each visible signature (made
    with the verdict in the capped child: inspect_upload's `pictures`)."""
    verdict: Verdict = inspection.verdict
    facts = inspection.facts
    signatures = []
    for index, report in enumerate(verdict.signatures):
        certificate = x509.load_der_x509_certificate(report.signer_der)
        subject = certificate.subject
        fact = facts[index] if index < len(facts) else None
        document_timestamp = bool(fact and fact.document_timestamp)
        if report.signing_time is not None:
            when = report.signing_time.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M:%S")
        else:
            when = _("not stated")
        # The validator takes the time from a time-stamp token only when the token is intact
        # and trusted; otherwise the time is the signer's own clock.
        has_token = bool(fact and (fact.timestamp_token or fact.document_timestamp))
        time_trusted = (
            has_token and report.intact and report.trusted and report.signing_time is not None
        )
        if report.visible:
            appearance = _("visible on page %(page)s") % {"page": report.page}
        else:
            appearance = _("invisible (no appearance on any page)")
        png = inspection.pictures.get(index)
        picture = base64.b64encode(png).decode("ascii") if png else None
        revocation, revoked = _revocation(report)
        units = [
            _attribute(subject, NameOID.ORGANIZATIONAL_UNIT_NAME),
            _attribute(subject, NameOID.ORGANIZATION_NAME),
        ]
        signatures.append(
            SignatureView(
                number=index + 1,
                report=report,
                name=_attribute(subject, NameOID.COMMON_NAME) or report.signer_subject,
                position=_attribute(subject, NameOID.TITLE),
                unit=", ".join(u for u in units if u),
                not_before=certificate.not_valid_before_utc,
                not_after=certificate.not_valid_after_utc,
                signing_time=when,
                time_trusted=time_trusted,
                document_timestamp=document_timestamp,
                revocation=revocation,
                revoked=revoked,
                modification=str(MODIFICATION_LABELS[report.modification]),
                appearance=appearance,
                picture=picture,
            )
        )
    return VerdictView(
        file_name=file_name,
        verdict=verdict,
        reasons=[(code, str(REASON_MESSAGES[code])) for code in verdict.reasons],
        signatures=signatures,
        expected=expected,
    )


def _file_name(request: HttpRequest) -> str:
    upload = request.FILES.get("document")
    return upload.name if upload is not None and upload.name else "document.pdf"


@login_required
def signature_verify(request: HttpRequest) -> HttpResponse:
    """Upload a signed PDF and read the verdict; optionally name the expected signer."""
    posted = request.method == "POST"
    form = VerifyForm(
        request.POST if posted else None, request.FILES if posted else None, user=request.user
    )
    result = None
    if posted and form.is_valid():
        data: bytes = form.cleaned_data["document"]
        signer: bytes | None = form.cleaned_data["expected_certificate"]
        person: Person | None = form.cleaned_data["expected_person"]
        expected = _("the uploaded certificate") if signer else ""
        # The roots of the asker's units count, and those of the named leader's unit.
        units = trust_units_of(request.user)
        candidates = None
        if person is not None:
            candidates = registered_certificates(person)
            expected = person.full_name
            units.append(person.unit)
        try:
            inspection = inspect_upload(
                data, units=units, signer=signer, candidates=candidates, pictures=MAX_PICTURES
            )
        except DomainError as error:
            form.add_error("document", error.message)
        else:
            result = verdict_view(inspection, file_name=_file_name(request), expected=expected)
    return render(request, "signatures/verify.html", {"form": form, "result": result})


def _own_leader(request: HttpRequest) -> Person:
    person = Person.objects.filter(user_id=request.user.pk or 0).select_related("unit").first()
    if person is None or person.position not in SIGNER_POSITIONS:
        raise Http404
    return person


@login_required
def my_signature_check(request: HttpRequest) -> HttpResponse:
    """A leader checks a PDF they signed outside the platform against their registered
    certificate, as the e-office test will accept it."""
    person = _own_leader(request)
    posted = request.method == "POST"
    form = SignedFileForm(request.POST if posted else None, request.FILES if posted else None)
    result = None
    if posted and form.is_valid():
        data: bytes = form.cleaned_data["document"]
        try:
            inspection = document_accept_signed(
                actor=request.user, person=person, data=data, pictures=MAX_PICTURES
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            result = verdict_view(
                inspection, file_name=_file_name(request), expected=person.full_name
            )
    devices = SigningDevice.objects.filter(person=person, is_active=True).order_by("-created_at")
    return render(
        request,
        "signatures/my_signature_check.html",
        {"person": person, "form": form, "result": result, "devices": devices},
    )
