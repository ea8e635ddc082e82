"""The demo campaign of today: Kế hoạch 35/KH-UBND of UBND thành phố Cần Thơ, 2026.

A province's campaign over its merged communes (from 1/7/2025): Sở Nội vụ runs it for the
city's People's Committee, the leaders of twelve communes and wards take both contents (the
IT-skills test with the shipped bank, the e-office test with the 2025 scenario set), the
ranking breaks ties on participants, facilities, then the mean score and the share of women
(Nghị định 152/2025/NĐ-CP, Điều 4), and the Chairman of UBND thành phố awards a Bằng khen
(Luật Thi đua, khen thưởng 2022, Điều 72). Its readiness is prepared as the 2020 demo's is.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction

from sathach.campaigns.demo import FACILITY_ITEMS, _demo_ca, _leader_certificate
from sathach.campaigns.demo_day import Cast
from sathach.campaigns.models import (
    Award,
    AwardAuthority,
    AwardDecision,
    Campaign,
    RankingSnapshot,
    SigningDevice,
)
from sathach.campaigns.readiness import (
    device_register,
    facility_declare,
    facility_item_save,
    facility_review,
)
from sathach.campaigns.services import campaign_create, campaign_transition
from sathach.core.audit import AuditAction, audit_log
from sathach.organization.demo2025 import ADMIN, COUNCIL, PROCTOR, demo_communes, demo_province
from sathach.organization.models import LEADER_POSITIONS, Person, User

CODE = "35/KH-UBND"
TITLE = (
    "Kiểm tra kỹ năng công nghệ thông tin và ứng dụng văn phòng điện tử đối với lãnh đạo "
    "UBND các xã, phường trên địa bàn thành phố Cần Thơ năm 2026"
)
TIE_BREAKERS = ["participants", "facilities", "mean_score", "women"]
CAST = Cast(
    admin=ADMIN,
    council=COUNCIL,
    proctor=PROCTOR,
    pki_organization="Sở Nội vụ thành phố Cần Thơ",
    decision_number="412/QĐ-UBND",
    tie_note=("Hội đồng Thi đua - Khen thưởng thành phố xét chọn theo kết quả họp ngày kiểm tra."),
)


def demo2025_campaign_get() -> Campaign | None:
    """The 2026 demo campaign when it exists."""
    return Campaign.objects.filter(
        issuing_unit__era="2025",
        issuing_unit__level=1,
        issuing_unit__code=str(demo_province().code),
        code=CODE,
    ).first()


def demo2025_campaign_reset() -> None:
    """Remove the 2026 demo campaign with everything recorded for it, and the city's demo
    people's signing devices and exam certificates, so that `sathach demo --era 2025` starts
    again from the same state. Only the demo's own campaign is wiped, and the wipe is
    audited."""
    from sathach.exams.models import Attempt, ExamSession
    from sathach.reports.models import CertificateFile
    from sathach.signatures.models import LeaderCertificate

    city = demo_province()
    with transaction.atomic():
        campaign = Campaign.objects.filter(issuing_unit=city, code=CODE).first()
        if campaign is not None:
            for stored in CertificateFile.objects.filter(award__decision__campaign=campaign):
                stored.file.delete(save=False)
            Award.objects.filter(decision__campaign=campaign).delete()
            AwardDecision.objects.filter(campaign=campaign).delete()
            RankingSnapshot.objects.filter(campaign=campaign).delete()
            Attempt.objects.filter(session__campaign=campaign).delete()
            ExamSession.objects.filter(campaign=campaign).delete()
            campaign.delete()
        people = Person.objects.filter(unit__path__startswith=city.path)
        certificates = LeaderCertificate.objects.filter(person__in=people).delete()[0]
        devices = SigningDevice.objects.filter(person__in=people).delete()[0]
        audit_log(
            actor="demo",
            action=AuditAction.DEMO_RESET,
            summary={
                "campaign": CODE,
                "had_campaign": campaign is not None,
                "devices": devices,
                "certificates": certificates,
            },
        )


def demo2025_campaign_load(*, seed: int = 2026, communes: int | None = None) -> Campaign:
    """Create the 2026 demo campaign once over the demo's communes (the first `communes` of
    the twelve when given); an existing one is kept as it is."""
    from sathach.eoffice.demo import demo_eoffice_load
    from sathach.exams.demo import demo_exam_load

    city = demo_province()
    existing = Campaign.objects.filter(issuing_unit=city, code=CODE).first()
    if existing is not None:
        return existing
    rng = random.Random(seed)  # noqa: S311 - demo behaviour, not secrets
    admin = User.objects.get(username=ADMIN)
    participants = demo_communes(communes)
    with transaction.atomic():
        campaign = campaign_create(
            actor=admin,
            code=CODE,
            title=TITLE,
            issuing_unit=city,
            issued_on=datetime.date(2026, 3, 2),
            participants=participants,
            tie_breakers=TIE_BREAKERS,
            award_authority=AwardAuthority.PROVINCE_CHAIRMAN,
            participation_target=Decimal(100),
            pass_target=Decimal(90),
            device_target=Decimal(100),
            awards=max(1, len(participants) // 3),
            content1_pass_mark=Decimal(50),
            preparation_deadline=datetime.date(2026, 3, 20),
            test_start=datetime.date(2026, 3, 26),
            test_end=datetime.date(2026, 3, 27),
            results_due=datetime.date(2026, 4, 6),
        )
        items = [
            facility_item_save(actor=admin, campaign=campaign, title=title, weight=Decimal(weight))
            for title, weight in FACILITY_ITEMS
        ]
        campaign = campaign_transition(actor=admin, campaign=campaign, to=Campaign.Status.PREPARING)
        ca = _demo_ca()
        leaders = (
            Person.objects.filter(unit__in=participants, position__in=LEADER_POSITIONS)
            .select_related("unit")
            .order_by("unit__code", "position", "sort_key")
        )
        for index, person in enumerate(leaders):
            if index % 8 == 5:
                continue  # a few leaders still have no device
            device_register(
                actor=admin,
                person=person,
                kind=rng.choice(SigningDevice.Kind.values),
                certificate=_leader_certificate(ca, person, 20 if index % 9 == 4 else 700),
            )
        for unit in sorted(participants, key=lambda u: u.code):
            for item in items[: rng.randint(3, len(items))]:
                declaration = facility_declare(
                    actor=admin, campaign=campaign, unit=unit, item=item, note="Đã chuẩn bị"
                )
                if rng.random() < 0.8:
                    facility_review(actor=admin, declaration=declaration, accept=True)
                elif rng.random() < 0.5:
                    facility_review(
                        actor=admin,
                        declaration=declaration,
                        accept=False,
                        note="Chưa có ảnh chụp minh chứng",
                    )
        demo_exam_load(
            campaign=campaign,
            seed=seed,
            admin_name=ADMIN,
            proctor_name=PROCTOR,
            session_name="Ca 1 — Lãnh đạo UBND các xã, phường",
            room="Phòng máy Sở Nội vụ thành phố Cần Thơ",
        )
        demo_eoffice_load(campaign=campaign, seed=seed)
    return campaign
