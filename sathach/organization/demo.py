"""The demo organization: Cù Lao Dung district (945) of Sóc Trăng (94) in 2020.

Its units come from the official list; its people are invented, with Vietnamese names, and
the same every time. One account per role is created, with the password DEMO_PASSWORD.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.db import transaction

from sathach.core.audit import AuditAction, audit_log
from sathach.organization.models import (
    AdministrativeUnit,
    Membership,
    Person,
    Position,
    Role,
    User,
)
from sathach.organization.official import units_load_official
from sathach.organization.services import examinee_username

PROVINCE_CODE = 94
DISTRICT_CODE = 945
DEMO_PASSWORD = "Sathach@2020"

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Huỳnh",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Thạch",
    "Lâm",
]
MIDDLE_MALE = ["Văn", "Minh", "Thành", "Hoàng", "Quốc", "Hữu", "Thanh", "Công"]
MIDDLE_FEMALE = ["Thị", "Ngọc", "Thu", "Kim", "Thanh", "Mỹ", "Bích"]
GIVEN_MALE = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đức",
    "Hải",
    "Hiếu",
    "Hùng",
    "Khải",
    "Lâm",
    "Long",
    "Lộc",
    "Nam",
    "Phúc",
    "Quang",
    "Sơn",
    "Tài",
    "Thắng",
    "Toàn",
    "Trí",
    "Tuấn",
    "Vinh",
]
GIVEN_FEMALE = [
    "Anh",
    "Châu",
    "Diễm",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hoa",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "Ngân",
    "Nhung",
    "Phương",
    "Thảo",
    "Trang",
    "Tuyết",
    "Yến",
]

COMMUNE_STAFF = [
    Position.CHAIRMAN,
    Position.VICE_CHAIRMAN,
    Position.VICE_CHAIRMAN,
    Position.OFFICE_STATISTICS,
    Position.LAND_CONSTRUCTION,
    Position.FINANCE_ACCOUNTING,
    Position.JUSTICE_CIVIL_STATUS,
    Position.CULTURE_SOCIETY,
    Position.MILITARY_COMMANDER,
    Position.POLICE_CHIEF,
    Position.CLERK,
]
# Units of type I have two Vice-Chairmen (NĐ 08/2016 Điều 7); the others one.
COMMUNES_WITH_TWO_VICE_CHAIRMEN = {"31615", "31618"}


@dataclass(frozen=True)
class DemoAccount:
    role: str
    username: str
    unit: str
    full_name: str


def _name(rng: random.Random, used: set[str]) -> tuple[str, str]:  # (name, gender)
    while True:
        gender: str = rng.choice([Person.Gender.MALE, Person.Gender.MALE, Person.Gender.FEMALE])
        if gender == Person.Gender.MALE:
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_MALE)} {rng.choice(GIVEN_MALE)}"
        else:
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_FEMALE)} {rng.choice(GIVEN_FEMALE)}"
        if name not in used:
            used.add(name)
            return name, gender


def _phone(rng: random.Random) -> str:
    return (
        "0"
        + rng.choice(["91", "94", "88", "83", "39", "70"])
        + "".join(str(rng.randrange(10)) for _ in range(7))
    )


def _account(
    *,
    username: str,
    full_name: str,
    role: str,
    unit: AdministrativeUnit,
    person: Person | None = None,
) -> DemoAccount:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, full_name=full_name, must_change_password=False)
        user.set_password(DEMO_PASSWORD)
        user.save()
    Membership.objects.get_or_create(user=user, role=role, unit=unit)
    if person is not None and person.user_id is None:
        person.user = user
        person.save(update_fields=["user"])
    return DemoAccount(role=role, username=username, unit=unit.name, full_name=full_name)


def demo_organization_load(*, seed: int = 2020) -> list[DemoAccount]:
    """Load the demo units, people and one account per role. Safe to run again: what
    exists is kept, including passwords changed since."""
    units_load_official(actor="demo", province_code=PROVINCE_CODE, district_code=DISTRICT_CODE)
    rng = random.Random(seed)  # noqa: S311 - invented names, not secrets
    with transaction.atomic():
        province = AdministrativeUnit.objects.get(era="2020", level=1, code=str(PROVINCE_CODE))
        district = AdministrativeUnit.objects.get(era="2020", level=2, code=str(DISTRICT_CODE))
        communes = list(district.children.order_by("code"))
        used: set[str] = set(Person.objects.values_list("full_name", flat=True))
        created = 0
        if not Person.objects.filter(unit__in=[district, *communes]).exists():
            district_staff = [
                (Position.CHAIRMAN, "Huỳnh Thành An", Person.Gender.MALE),
                (Position.SPECIALIST, "Trần Thị Ngọc Hân", Person.Gender.FEMALE),
                (Position.SPECIALIST, "Lê Minh Khôi", Person.Gender.MALE),
            ]
            for position, name, gender in district_staff:
                used.add(name)
                Person(
                    full_name=name,
                    gender=gender,
                    unit=district,
                    position=position,
                    phone=_phone(rng),
                ).save()
                created += 1
            for commune in communes:
                for position in COMMUNE_STAFF:
                    if (
                        position == Position.VICE_CHAIRMAN
                        and commune.code not in COMMUNES_WITH_TWO_VICE_CHAIRMEN
                        and Person.objects.filter(unit=commune, position=position).exists()
                    ):
                        continue
                    name, sex = _name(rng, used)
                    Person(
                        full_name=name,
                        gender=sex,
                        unit=commune,
                        position=position,
                        phone=_phone(rng),
                    ).save()
                    created += 1

        chairman = Person.objects.get(unit=district, position=Position.CHAIRMAN)
        specialists = list(
            Person.objects.filter(unit=district, position=Position.SPECIALIST).order_by("pk")
        )
        an_thanh_1 = next(c for c in communes if c.code == "31618")
        dai_an_1 = next(c for c in communes if c.code == "31627")
        officer = Person.objects.filter(
            unit=an_thanh_1, position=Position.OFFICE_STATISTICS
        ).first()
        leader = (
            Person.objects.filter(unit=dai_an_1, position=Position.CHAIRMAN)
            .select_related("unit")
            .first()
        )
        assert officer is not None and leader is not None
        accounts = [
            _account(
                username="tinh.admin",
                full_name="Sở Nội vụ Sóc Trăng",
                role=Role.PROVINCE_ADMIN,
                unit=province,
            ),
            _account(
                username="noivu.admin",
                full_name=specialists[0].full_name,
                role=Role.DISTRICT_ADMIN,
                unit=district,
                person=specialists[0],
            ),
            _account(
                username="hoidong.chutich",
                full_name=chairman.full_name,
                role=Role.COUNCIL,
                unit=district,
                person=chairman,
            ),
            _account(
                username="anthanh1.vanphong",
                full_name=officer.full_name,
                role=Role.COMMUNE_OFFICER,
                unit=an_thanh_1,
                person=officer,
            ),
            _account(
                username="giamthi",
                full_name=specialists[1].full_name,
                role=Role.PROCTOR,
                unit=district,
                person=specialists[1],
            ),
            _account(
                username=leader.user.username if leader.user else examinee_username(leader),
                full_name=leader.full_name,
                role=Role.EXAMINEE,
                unit=dai_an_1,
                person=leader,
            ),
        ]
        audit_log(
            actor="demo",
            action=AuditAction.DEMO_LOADED,
            obj=district,
            unit=district,
            summary={"people_created": created, "accounts": [a.username for a in accounts]},
        )
    return accounts
