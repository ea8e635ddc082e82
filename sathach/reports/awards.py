"""The certificates of a campaign's awards (a Giấy khen, or a province Chairman's Bằng
khen): one PDF per awarded collective, signed with the awarding Chairman's certificate,
stored and audited.

`award_certificates_write` does the whole batch synchronously (the command, the demo);
the web page runs the same steps in the background (`sathach.reports.jobs`)."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from sathach.campaigns.models import Award, AwardAuthority, AwardDecision, Campaign
from sathach.core.audit import AuditAction, audit_log
from sathach.core.errors import DomainError
from sathach.core.models import Job
from sathach.organization.models import AdministrativeUnit, Person
from sathach.reports import issuer
from sathach.reports import vietnamese as vn
from sathach.reports.documents import date_line
from sathach.reports.giay_khen import GiayKhen, render_giay_khen
from sathach.reports.models import CertificateFile
from sathach.signatures.models import LeaderCertificate
from sathach.signatures.services import document_sign, token_open


def award_decision(campaign: Campaign) -> AwardDecision:
    """The latest decision record of the campaign, or a DomainError before the awards."""
    decision = campaign.decisions.order_by("-signed_on", "-pk").first()
    if decision is None or not decision.awards.exists():
        raise DomainError(_("There are no awards to certify yet: grant the awards first."))
    return decision


def award_signer(campaign: Campaign) -> Person:
    """Who signs the certificates: the Director of the province's Sở Nội vụ for the
    department's Giấy khen, otherwise the Chairman of the issuing unit (docs/REPORTS.md)."""
    signer = issuer.head_on_record(campaign, issuer.decider(campaign))
    if signer is not None:
        return signer
    if campaign.award == AwardAuthority.HOME_AFFAIRS_DIRECTOR:
        missing = _(
            "%(unit)s has no Director of the Department of Home Affairs on record to sign "
            "the certificates: add them to the province's people with that position."
        )
    else:
        missing = _("%(unit)s has no Chairman on record to sign the certificates.")
    raise DomainError(missing % {"unit": campaign.issuing_unit.name})


def signer_token(campaign: Campaign) -> LeaderCertificate:
    """The signer's usable signing certificate, or a DomainError saying why there is none."""
    signer = award_signer(campaign)
    tokens = [t for t in signer.certificates.filter(revoked_at__isnull=True) if t.is_usable]
    if not tokens:
        raise DomainError(
            _(
                "%(name)s, who signs the certificates, has no valid signing certificate: issue "
                "one on the certificates page first."
            )
            % {"name": signer.full_name}
        )
    token = tokens[0]  # newest first (the model's ordering)
    if not token.pin_set:
        raise DomainError(
            _("%(name)s, who signs the certificates, has not set the PIN of the certificate yet.")
            % {"name": signer.full_name}
        )
    return token


def certificates_prepare(*, campaign: Campaign, pin: str) -> tuple[LeaderCertificate, list[Award]]:
    """What a batch signs and with which certificate, with the PIN checked once: a wrong
    PIN is refused (and counted) before anything is rendered."""
    decision = award_decision(campaign)
    token = signer_token(campaign)
    token_open(token, pin)
    awards = list(decision.awards.select_related("unit__parent__parent", "decision__snapshot"))
    return token, awards


def _address(unit: AdministrativeUnit) -> str:
    names = [vn.lower_first(unit.name)]
    parent = unit.parent
    while parent is not None:
        names.append(vn.lower_first(parent.name))
        parent = parent.parent
    text = ", ".join(names)
    return f"Địa chỉ: {text[:1].upper()}{text[1:]}"


def _gold_book(award: Award) -> str:
    """The gold-book entry: the decision's number with the award's place in it
    ("123/QĐ-UBND", 2nd award → "123.02"). The Văn thư's own numbering, where the district
    keeps one, replaces it."""
    number = award.decision.number.split("/")[0].strip()
    return f"Số sổ vàng: {number}.{award.position:02d}"


def _achievement(award: Award) -> str:
    campaign = award.decision.campaign
    district = campaign.issuing_unit
    text = (
        f"Đã có thành tích xuất sắc trong thực hiện Kế hoạch số {campaign.code} ngày "
        f"{vn.short_date(campaign.issued_on)} của Ủy ban nhân dân {vn.lower_first(district.name)} "
        f"về {vn.lower_first(campaign.title)}"
    )
    rows = {row["code"]: row for row in award.decision.snapshot.output.get("units", [])}
    row = rows.get(award.unit.code)
    if row is None:
        return text + "."
    return (
        f"{text}: {row['passed_both']}/{row['tested']} lãnh đạo tham gia kiểm tra đạt cả hai "
        f"nội dung (tỷ lệ {vn.percent_value(row['pass_rate'])})."
    )


def giay_khen_for(award: Award, signer: Person) -> GiayKhen:
    """What the certificate of one award says."""
    decision = award.decision
    campaign = decision.campaign
    district = campaign.issuing_unit
    speaker = issuer.decider(campaign)
    return GiayKhen(
        authority_title=issuer.awarder_title(campaign),
        recipient=vn.committee(award.unit),
        address=_address(award.unit),
        achievement=_achievement(award),
        decision=(f"Quyết định số {decision.number} ngày {vn.short_date(decision.signed_on)}"),
        gold_book=_gold_book(award),
        place_date=date_line(vn.place_name(district), decision.signed_on),
        signer_title=speaker.head,
        signer_name=signer.full_name,
        award=issuer.award_form(campaign).upper(),
    )


def certificate_filename(award: Award) -> str:
    stem = (
        "bang-khen"
        if award.decision.campaign.award == AwardAuthority.PROVINCE_CHAIRMAN
        else "giay-khen"
    )
    return f"{stem}-{award.position:02d}-{award.unit.code}.pdf"


def award_certificate_sign(
    *, actor: Any, award: Award, token: LeaderCertificate, pin: str, job: Job | None = None
) -> CertificateFile:
    """Render the Giấy khen of one award, sign it visibly with the Chairman's certificate
    at the signature place, store the file and write the audit entry."""
    rendered = render_giay_khen(giay_khen_for(award, token.person))
    signed = document_sign(
        actor=actor, token=token, pin=pin, data=rendered.pdf, box=rendered.signature_box
    )
    digest = hashlib.sha256(signed).hexdigest()
    with transaction.atomic():
        stored = CertificateFile(award=award, job=job, sha256=digest, signer_serial=token.serial)
        stored.file.save(certificate_filename(award), ContentFile(signed), save=False)
        stored.save()
        audit_log(
            actor=actor,
            action=AuditAction.CERTIFICATE_SIGNED,
            obj=award,
            unit=award.decision.campaign.issuing_unit,
            summary={
                "unit": award.unit.code,
                "decision": award.decision.number,
                "file": stored.file.name,
                "sha256": digest,
                "signer": token.serial,
            },
        )
    return stored


def award_certificates_write(
    *, actor: Any, campaign: Campaign, pin: str, out_dir: Path
) -> list[Path]:
    """Sign the Giấy khen of every award of the campaign's latest decision and write them
    to `out_dir` (created if needed; files of the same name are replaced). Refused before
    anything is signed when there are no awards, the Chairman has no certificate or the PIN
    is wrong."""
    token, awards = certificates_prepare(campaign=campaign, pin=pin)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for award in awards:
        stored = award_certificate_sign(actor=actor, award=award, token=token, pin=pin)
        path = out_dir / certificate_filename(award)
        with stored.file.open("rb") as handle:
            path.write_bytes(handle.read())
        written.append(path)
    return written


def latest_certificates(campaign: Campaign) -> list[CertificateFile]:
    """The newest signed file of each award of the latest decision, in the decision's
    order; awards without one are left out."""
    try:
        decision = award_decision(campaign)
    except DomainError:
        return []
    files: list[CertificateFile] = []
    for award in decision.awards.select_related("unit"):
        latest = CertificateFile.objects.filter(award=award).first()
        if latest is not None:
            files.append(latest)
    return files


def certificates_zip(files: list[CertificateFile]) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for stored in files:
            with stored.file.open("rb") as handle:
                archive.writestr(certificate_filename(stored.award), handle.read())
    return output.getvalue()
