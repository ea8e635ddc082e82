"""The demo organization of today: Thành phố Cần Thơ (92) under the divisions from 1/7/2025.

Its units come from the official list shipped with the project (103 communes and wards);
people are created in the twelve the demo campaign plays, each with its Chairman, two
Vice-Chairmen and the civil servants of the departments of Nghị định 150/2025/NĐ-CP
(Điều 11) and of the Trung tâm phục vụ hành chính công (Nghị định 118/2025/NĐ-CP, Điều 10).
The city has its Chairman, who signs the Bằng khen, and two specialists of Sở Nội vụ, who run
the campaign and proctor the test. People are invented, the same every time; their names
have four words, so that they never take a name the 2020 demo would draw, whichever demo is
loaded first.
"""

from __future__ import annotations

import random

from django.db import transaction

from sathach.core.audit import AuditAction, audit_log
from sathach.organization.demo import (
    FAMILY,
    GIVEN_FEMALE,
    GIVEN_MALE,
    MIDDLE_FEMALE,
    MIDDLE_MALE,
    DemoAccount,
    _account,
    _phone,
)
from sathach.organization.models import (
    HANDLER_POSITIONS_2025,
    AdministrativeUnit,
    Person,
    Position,
    Role,
)
from sathach.organization.official import units_load_official
from sathach.organization.services import examinee_username

PROVINCE_CODE = 92
ERA = AdministrativeUnit.Era.FROM_2025
# The twelve communes and wards the demo campaign plays, out of the city's 103: four wards
# and eight communes, from each of the three provinces merged into today's city (Cần Thơ,
# Hậu Giang, Sóc Trăng), among them the two that took in the 2020 demo's Cù Lao Dung.
# Playing all 103 (309 leaders) takes minutes; twelve show every page and document.
DEMO_COMMUNES = (
    "31135",  # Phường Ninh Kiều
    "31186",  # Phường Cái Răng
    "31258",  # Xã Thới Lai
    "31299",  # Xã Phong Điền
    "31321",  # Phường Vị Thanh
    "31366",  # Xã Châu Thành
    "31441",  # Xã Vị Thủy
    "31507",  # Phường Sóc Trăng
    "31528",  # Xã Kế Sách
    "31615",  # Xã An Thạnh
    "31633",  # Xã Cù Lao Dung
    "31673",  # Xã Trần Đề
)
COMMUNE_STAFF = (
    Position.CHAIRMAN,
    Position.VICE_CHAIRMAN,
    Position.VICE_CHAIRMAN,
    *HANDLER_POSITIONS_2025,
)
CITY_STAFF = (
    (Position.CHAIRMAN, "Lê Hoàng Minh Quân", Person.Gender.MALE),
    (Position.SPECIALIST, "Phạm Thị Thanh Thúy", Person.Gender.FEMALE),
    (Position.SPECIALIST, "Nguyễn Hữu Minh Trí", Person.Gender.MALE),
)
DIRECTOR = ("Trần Quốc Khánh", Person.Gender.MALE)
ADMIN = "cantho.admin"
COUNCIL = "cantho.hoidong"
PROCTOR = "cantho.giamthi"
OFFICER = "ninhkieu.vanphong"
# The ward's own office, which may run a campaign over the ward's leaders.
COMMUNE_ADMIN = "ninhkieu.admin"


def _name(rng: random.Random, used: set[str]) -> tuple[str, str]:  # (name, gender)
    while True:
        gender: str = rng.choice([Person.Gender.MALE, Person.Gender.MALE, Person.Gender.FEMALE])
        middles, given = (
            (MIDDLE_MALE, GIVEN_MALE)
            if gender == Person.Gender.MALE
            else (MIDDLE_FEMALE, GIVEN_FEMALE)
        )
        first, second = rng.sample(middles, 2)
        name = f"{rng.choice(FAMILY)} {first} {second} {rng.choice(given)}"
        if name not in used:
            used.add(name)
            return name, gender


def demo_province() -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(era=ERA, level=1, code=str(PROVINCE_CODE))


def demo_communes(count: int | None = None) -> list[AdministrativeUnit]:
    """The demo's communes in the order of DEMO_COMMUNES, the first `count` of them."""
    codes = DEMO_COMMUNES[:count] if count else DEMO_COMMUNES
    by_code = {u.code: u for u in AdministrativeUnit.objects.filter(era=ERA, code__in=codes)}
    return [by_code[code] for code in codes]


def demo2025_organization_load(*, seed: int = 2026) -> list[DemoAccount]:
    """Load the city from the official list of today, the people of the demo's communes and
    one account per role. Safe to run again: what exists is kept, including passwords."""
    units_load_official(actor="demo", province_code=PROVINCE_CODE, era=ERA)
    rng = random.Random(f"demo-2025:{seed}")  # noqa: S311 - invented names, not secrets
    with transaction.atomic():
        city = demo_province()
        communes = demo_communes()
        used: set[str] = set(Person.objects.values_list("full_name", flat=True))
        created = 0
        if not Person.objects.filter(unit__in=[city, *communes]).exists():
            for position, name, gender in CITY_STAFF:
                used.add(name)
                Person(
                    full_name=name, gender=gender, unit=city, position=position, phone=_phone(rng)
                ).save()
                created += 1
            for commune in communes:
                for position in COMMUNE_STAFF:
                    name, sex = _name(rng, used)
                    Person(
                        full_name=name,
                        gender=sex,
                        unit=commune,
                        position=position,
                        phone=_phone(rng),
                    ).save()
                    created += 1
        # The Director of the city's Sở Nội vụ signs its report; added apart from the rest,
        # to a city loaded before too, without drawing from the names' random stream.
        name, gender = DIRECTOR
        if not Person.objects.filter(unit=city, position=Position.HOME_AFFAIRS_DIRECTOR).exists():
            Person(
                full_name=name, gender=gender, unit=city, position=Position.HOME_AFFAIRS_DIRECTOR
            ).save()
            created += 1
        chairman = Person.objects.get(unit=city, position=Position.CHAIRMAN)
        specialists = list(
            Person.objects.filter(unit=city, position=Position.SPECIALIST).order_by("pk")
        )
        ninh_kieu, leader_unit = communes[0], communes[1]
        officer = Person.objects.get(unit=ninh_kieu, position=Position.OFFICE_GENERAL)
        leader = Person.objects.select_related("user").get(
            unit=leader_unit, position=Position.CHAIRMAN
        )
        accounts = [
            _account(
                username=ADMIN,
                full_name=specialists[0].full_name,
                role=Role.PROVINCE_ADMIN,
                unit=city,
                person=specialists[0],
            ),
            _account(
                username=COUNCIL,
                full_name=chairman.full_name,
                role=Role.COUNCIL,
                unit=city,
                person=chairman,
            ),
            _account(
                username=OFFICER,
                full_name=officer.full_name,
                role=Role.COMMUNE_OFFICER,
                unit=ninh_kieu,
                person=officer,
            ),
            _account(
                username=COMMUNE_ADMIN,
                full_name="Văn phòng HĐND và UBND "
                + ninh_kieu.name[:1].lower()
                + ninh_kieu.name[1:],
                role=Role.COMMUNE_ADMIN,
                unit=ninh_kieu,
            ),
            _account(
                username=PROCTOR,
                full_name=specialists[1].full_name,
                role=Role.PROCTOR,
                unit=city,
                person=specialists[1],
            ),
            _account(
                username=leader.user.username if leader.user else examinee_username(leader),
                full_name=leader.full_name,
                role=Role.EXAMINEE,
                unit=leader_unit,
                person=leader,
            ),
        ]
        audit_log(
            actor="demo",
            action=AuditAction.DEMO_LOADED,
            obj=city,
            unit=city,
            summary={"people_created": created, "accounts": [a.username for a in accounts]},
        )
    return accounts
