"""The demo campaign: Kế hoạch 75/KH-UBND of Cù Lao Dung, 27/7/2020, with the plan's values.

Its readiness is half done, as a district would find it a week before the test: most leaders
have a signing device (certificates issued by a demo CA made here), some communes have
declared their facilities and the district has verified part of them.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sathach.campaigns.models import (
    Award,
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
from sathach.organization.demo import DISTRICT_CODE
from sathach.organization.models import (
    LEADER_POSITIONS,
    AdministrativeUnit,
    Person,
    Position,
    User,
)

if TYPE_CHECKING:
    from sathach.exams.models import Attempt, ExamSession

CODE = "75/KH-UBND"
# The practice round in which the demo's leaders take both contents in the browser.
TRIAL_CODE = "76/KH-UBND"
# The leaders who have taken the practice round's IT-skills test already (with its
# practical tasks), so that the proctor sees files and gradings.
TRIAL_PLAYED = 2
TRIAL_TITLE = (
    "Kiểm tra thử kỹ năng tin học và ứng dụng văn phòng điện tử cho lãnh đạo UBND các xã, "
    "thị trấn (dùng thử)"
)
TITLE = (
    "Tổ chức thi đua cùng điển hình tiên tiến trong cải cách hành chính trên địa bàn "
    "huyện Cù Lao Dung năm 2020"
)
FACILITY_ITEMS = [
    ("Máy tính kết nối Internet cho mỗi lãnh đạo", "3"),
    ("Tài khoản hệ thống quản lý văn bản và điều hành cho mỗi lãnh đạo", "2"),
    ("Thiết bị ký số đã cài đặt và ký thử thành công", "2"),
    ("Phòng kiểm tra có bàn, ghế, điện, mạng", "1"),
    ("Máy in và máy quét (scan) hoạt động", "1"),
    ("Đường truyền Internet dự phòng (4G)", "1"),
]


def _demo_ca() -> tuple[ec.EllipticCurvePrivateKey, x509.Name]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Demo"),
            x509.NameAttribute(NameOID.COMMON_NAME, "CA thử nghiệm (dữ liệu mẫu)"),
        ]
    )
    return key, name


def _leader_certificate(
    ca: tuple[ec.EllipticCurvePrivateKey, x509.Name], person: Person, days_left: int
) -> bytes:
    ca_key, ca_name = ca
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.LOCALITY_NAME, person.unit.name),
            x509.NameAttribute(NameOID.TITLE, person.get_position_display()),
            x509.NameAttribute(NameOID.COMMON_NAME, person.full_name),
        ]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=200))
        .not_valid_after(now + datetime.timedelta(days=days_left))
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM)


def demo_campaign_reset() -> None:
    """Remove the demo campaign with everything recorded for it, and the demo people's
    signing devices and exam certificates, so that `sathach demo` starts again from the
    same state.

    Approved snapshots and award decisions are otherwise kept forever; only the demo's own
    campaign may be wiped, and the wipe is audited."""
    district = AdministrativeUnit.objects.get(era="2020", level=2, code=str(DISTRICT_CODE))
    with transaction.atomic():
        campaign = Campaign.objects.filter(issuing_unit=district, code=CODE).first()
        for trial in Campaign.objects.filter(issuing_unit=district, code=TRIAL_CODE):
            _campaign_wipe(trial)
        if campaign is not None:
            from sathach.reports.models import CertificateFile

            for stored in CertificateFile.objects.filter(award__decision__campaign=campaign):
                stored.file.delete(save=False)
            Award.objects.filter(decision__campaign=campaign).delete()
            AwardDecision.objects.filter(campaign=campaign).delete()
            RankingSnapshot.objects.filter(campaign=campaign).delete()
            from sathach.exams.models import Attempt, ExamSession

            Attempt.objects.filter(session__campaign=campaign).delete()
            ExamSession.objects.filter(campaign=campaign).delete()
            campaign.delete()
        # The demo's people: the communes' leaders and the district Chairman, who signs the
        # Giấy khen. Their exam certificates go with their devices.
        people = Person.objects.filter(Q(unit__parent=district) | Q(unit=district))
        from sathach.signatures.models import LeaderCertificate

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


def _campaign_wipe(campaign: Campaign) -> None:
    """The practice round with its attempts and tasks (nothing is approved or awarded)."""
    from sathach.exams.models import Attempt, ExamSession

    Attempt.objects.filter(session__campaign=campaign).delete()
    ExamSession.objects.filter(campaign=campaign).delete()
    campaign.delete()


def demo_trial_load(*, seed: int = 2020) -> Campaign:
    """A practice round open for a week from now: the demo campaign has its test day
    played already, so this is where every demo leader takes both contents in the browser
    (the IT-skills test with the access code the proctor's console shows, and the e-office
    test signed with the demo PIN). Kept when it exists."""
    from sathach.eoffice.demo import demo_eoffice_load
    from sathach.exams.demo import demo_exam_load
    from sathach.exams.models import ExamSession
    from sathach.exams.services.sessions import session_open

    district = AdministrativeUnit.objects.get(era="2020", level=2, code=str(DISTRICT_CODE))
    existing = Campaign.objects.filter(issuing_unit=district, code=TRIAL_CODE).first()
    if existing is not None:
        return existing
    admin = User.objects.get(username="noivu.admin")
    proctor = User.objects.get(username="giamthi")
    with transaction.atomic():
        campaign = campaign_create(
            actor=admin,
            code=TRIAL_CODE,
            title=TRIAL_TITLE,
            issuing_unit=district,
            issued_on=timezone.localdate(),
        )
        campaign = campaign_transition(actor=admin, campaign=campaign, to=Campaign.Status.PREPARING)
        session = demo_exam_load(campaign=campaign, seed=seed, practical=True)
        demo_eoffice_load(campaign=campaign, seed=seed)
        campaign = campaign_transition(actor=admin, campaign=campaign, to=Campaign.Status.TESTING)
        session = ExamSession.objects.get(pk=session.pk)
        session_open(actor=proctor, session=session)
        _trial_played(session, seed=seed)
    return campaign


def trial_played_attempts(session: ExamSession) -> list[Attempt]:
    """The attempts of the practice round the demo plays: those of the first two communes'
    Vice-Chairmen (no account the demo prints, nor the Chairman of Đại Ân 1 whom the guide
    signs in as)."""
    from sathach.exams.models import Attempt

    return list(
        Attempt.objects.filter(session=session, person__position=Position.VICE_CHAIRMAN)
        .select_related("person__unit", "user")
        .order_by("person__unit__code", "person__sort_key", "person__pk")[:TRIAL_PLAYED]
    )


def _trial_played(session: ExamSession, *, seed: int) -> None:
    """Two leaders have taken the practice round already, through the real services, so
    that the proctor's page shows real files and their gradings: the first did everything
    right; the second made a leader's usual mistakes (docs/PRACTICAL.md, "The demo")."""
    from sathach.campaigns.demo_day import right_response, wrong_response
    from sathach.exams.models import Attempt, AttemptItem
    from sathach.exams.services.attempts import (
        attempt_save_answers,
        attempt_start,
        attempt_submit,
    )
    from sathach.practical.demo_answers import FILE_NAMES, answer_file, typed_answer
    from sathach.practical.files import embed_mark, mark_for
    from sathach.practical.kinds import FILE_KINDS
    from sathach.practical.services import upload_receive

    rng = random.Random(seed)  # noqa: S311 - demo behaviour, not secrets
    for number, attempt in enumerate(trial_played_attempts(session)):
        right = number == 0
        attempt = attempt_start(user=attempt.user, attempt=attempt, access_code=session.access_code)
        answers = []
        items = AttemptItem.objects.filter(attempt=attempt).select_related("version")
        for item in items.order_by("position"):
            kind, data = item.version.type, item.version.data
            if kind in FILE_KINDS:
                # Made on the attempt's own download: the file carries its mark.
                made = answer_file(kind, data, right=right)
                upload_receive(
                    user=attempt.user,
                    attempt=attempt,
                    position=item.position,
                    token=attempt.token,
                    name=FILE_NAMES[kind],
                    data=embed_mark(made, mark_for(attempt.pk, item.position)),
                )
                continue
            if kind == "typing":
                response = typed_answer(data, right=right)
            elif right or rng.random() < 0.6:
                response = right_response(kind, data)
            else:
                response = wrong_response(kind, data, rng)
            answers.append({"p": item.position, "s": 1, "r": response})
        attempt_save_answers(attempt_id=attempt.pk, token=attempt.token, answers=answers)
        attempt_submit(actor=attempt.user, attempt=attempt, by=Attempt.SubmittedBy.EXAMINEE)


def demo_campaign_get() -> Campaign | None:
    """The demo campaign when it exists."""
    return Campaign.objects.filter(
        issuing_unit__era="2020",
        issuing_unit__level=2,
        issuing_unit__code=str(DISTRICT_CODE),
        code=CODE,
    ).first()


def demo_campaign_load(*, seed: int = 2020) -> Campaign:
    """Create the demo campaign once; an existing one is kept as it is."""
    district = AdministrativeUnit.objects.get(era="2020", level=2, code=str(DISTRICT_CODE))
    existing = Campaign.objects.filter(issuing_unit=district, code=CODE).first()
    if existing is not None:
        return existing
    rng = random.Random(seed)  # noqa: S311 - demo behaviour, not secrets
    admin = User.objects.get(username="noivu.admin")
    with transaction.atomic():
        campaign = campaign_create(
            actor=admin,
            code=CODE,
            title=TITLE,
            issuing_unit=district,
            issued_on=datetime.date(2020, 7, 27),
            participation_target=Decimal(100),
            pass_target=Decimal(85),
            device_target=Decimal(100),
            awards=3,
            content1_pass_mark=Decimal(50),
            preparation_deadline=datetime.date(2020, 8, 14),
            test_start=datetime.date(2020, 8, 20),
            test_end=datetime.date(2020, 8, 21),
            results_due=datetime.date(2020, 8, 31),
        )
        items = [
            facility_item_save(actor=admin, campaign=campaign, title=title, weight=Decimal(weight))
            for title, weight in FACILITY_ITEMS
        ]
        campaign = campaign_transition(actor=admin, campaign=campaign, to=Campaign.Status.PREPARING)
        ca = _demo_ca()
        leaders = (
            Person.objects.filter(
                unit__in=campaign.participants.all(), position__in=LEADER_POSITIONS
            )
            .select_related("unit")
            .order_by("unit__code", "position", "sort_key")
        )
        for index, person in enumerate(leaders):
            if index % 7 == 3:
                continue  # a few leaders still have no device
            days_left = 20 if index % 9 == 5 else 700
            device_register(
                actor=admin,
                person=person,
                kind=rng.choice(SigningDevice.Kind.values),
                certificate=_leader_certificate(ca, person, days_left),
            )
        for unit in campaign.participants.order_by("code"):
            declared = rng.randint(2, len(items))
            for item in items[:declared]:
                declaration = facility_declare(
                    actor=admin, campaign=campaign, unit=unit, item=item, note="Đã chuẩn bị"
                )
                if rng.random() < 0.75:
                    facility_review(actor=admin, declaration=declaration, accept=True)
                elif rng.random() < 0.5:
                    facility_review(
                        actor=admin,
                        declaration=declaration,
                        accept=False,
                        note="Chưa có ảnh chụp minh chứng",
                    )
        from sathach.exams.demo import demo_exam_load

        demo_exam_load(campaign=campaign, seed=seed)
        from sathach.eoffice.demo import demo_eoffice_load

        demo_eoffice_load(campaign=campaign, seed=seed)
    return campaign
