"""Named personas shared by every test.

- district admin (Phòng Nội vụ of Cù Lao Dung): manages the district and its communes;
- council (the district Chairman): reads everything in the district, changes nothing;
- proctor of the district;
- commune officer of An Thạnh 1: manages that commune's roster only;
- leader of Đại Ân 1: an examinee, sees only their own things;
- province admin of Sóc Trăng;
- outsider: district admin of Long Phú, a neighbouring district, who must see nothing of
  Cù Lao Dung.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.test import TestCase

from sathach.organization.models import (
    AdministrativeUnit,
    Membership,
    Person,
    Position,
    Role,
    User,
)

PASSWORD = "Correct-Horse-2020"


def make_unit(
    code: str, name: str, kind: str, parent: AdministrativeUnit | None = None
) -> AdministrativeUnit:
    unit = AdministrativeUnit(code=code, name=name, kind=kind, parent=parent)
    unit.save()
    return unit


def make_user(
    username: str, role: str | None, unit: AdministrativeUnit | None, **extra: Any
) -> User:
    user = User(username=username, full_name=extra.pop("full_name", username), **extra)
    user.set_password(PASSWORD)
    user.save()
    if role and unit:
        Membership.objects.create(user=user, role=role, unit=unit)
    return user


def make_person(
    name: str, unit: AdministrativeUnit, position: str = Position.CHAIRMAN, **extra: Any
) -> Person:
    person = Person(
        full_name=name, gender=extra.pop("gender", "nam"), unit=unit, position=position, **extra
    )
    person.save()
    return person


class World:
    """The units and personas, built once per test class."""

    def __init__(self) -> None:
        kind = AdministrativeUnit.Kind
        self.province = make_unit("94", "Tỉnh Sóc Trăng", kind.PROVINCE)
        self.district = make_unit("945", "Huyện Cù Lao Dung", kind.DISTRICT, self.province)
        self.an_thanh_1 = make_unit("31618", "Xã An Thạnh 1", kind.COMMUNE, self.district)
        self.dai_an_1 = make_unit("31627", "Xã Đại Ân 1", kind.COMMUNE, self.district)
        self.other_district = make_unit("946", "Huyện Long Phú", kind.DISTRICT, self.province)
        self.other_commune = make_unit(
            "31639", "Thị trấn Long Phú", kind.TOWNSHIP, self.other_district
        )

        self.leader_person = make_person(
            "Trần Thị Ngân", self.dai_an_1, Position.CHAIRMAN, gender="nu"
        )
        self.officer_person = make_person(
            "Huỳnh Thanh Long", self.an_thanh_1, Position.OFFICE_STATISTICS
        )
        self.an_thanh_1_chairman = make_person(
            "Nguyễn Văn Bình", self.an_thanh_1, Position.CHAIRMAN
        )
        self.outside_person = make_person("Lý Văn Sơn", self.other_commune, Position.CHAIRMAN)

        self.province_admin = make_user("tinh.admin", Role.PROVINCE_ADMIN, self.province)
        self.district_admin = make_user("noivu.admin", Role.DISTRICT_ADMIN, self.district)
        self.council = make_user("hoidong", Role.COUNCIL, self.district)
        self.proctor = make_user("giamthi", Role.PROCTOR, self.district)
        self.commune_officer = make_user("anthanh1.vanphong", Role.COMMUNE_OFFICER, self.an_thanh_1)
        self.leader = make_user(
            "31627.ngantt", Role.EXAMINEE, self.dai_an_1, full_name="Trần Thị Ngân"
        )
        self.leader_person.user = self.leader
        self.leader_person.save()
        self.outsider = make_user("longphu.admin", Role.DISTRICT_ADMIN, self.other_district)
        self.nobody = make_user("khongvaitro", None, None)

    def personas(self) -> dict[str, User]:
        return {
            "province_admin": self.province_admin,
            "district_admin": self.district_admin,
            "council": self.council,
            "proctor": self.proctor,
            "commune_officer": self.commune_officer,
            "examinee": self.leader,
            "outsider": self.outsider,
        }


class BaseTestCase(TestCase):
    world: World

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = World()

    def login(self, user: User) -> None:
        self.client.force_login(user)


def run_task_worker() -> None:
    """django-tasks' database worker, until the queue is empty (tests of background jobs)."""
    call_command("db_worker", batch=True, interval=0, startup_delay=False, reload=False)
