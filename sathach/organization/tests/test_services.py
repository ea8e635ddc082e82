from __future__ import annotations

import unicodedata

from sathach.core.errors import DomainError
from sathach.core.models import AuditEntry
from sathach.organization.models import AdministrativeUnit, Person, Position, Role, User
from sathach.organization.services import (
    examinee_credentials_issue,
    person_save,
    role_grant,
    unit_create,
    user_create,
)
from sathach.organization.testing import BaseTestCase, make_person


class UnitServiceTestCase(BaseTestCase):
    def test_it_creates_a_commune_under_its_district_with_an_audit_entry(self) -> None:
        before = AuditEntry.objects.count()
        unit = unit_create(
            actor=self.world.district_admin,
            code="31636",
            name="Xã An Thạnh Nam",
            kind=AdministrativeUnit.Kind.COMMUNE,
            parent=self.world.district,
        )
        self.assertEqual(unit.level, AdministrativeUnit.Level.COMMUNE)
        self.assertTrue(self.world.district.contains(unit))
        self.assertFalse(self.world.other_district.contains(unit))
        self.assertEqual(AuditEntry.objects.count(), before + 1)
        self.assertEqual(AuditEntry.objects.first().action, "unit.created")

    def test_it_refuses_a_duplicate_code(self) -> None:
        with self.assertRaises(DomainError):
            unit_create(
                actor=self.world.district_admin,
                code="31618",
                name="Trùng mã",
                kind=AdministrativeUnit.Kind.COMMUNE,
                parent=self.world.district,
            )

    def test_it_refuses_a_commune_under_a_commune(self) -> None:
        with self.assertRaises(DomainError):
            unit_create(
                actor=self.world.district_admin,
                code="99999",
                name="Xã Sai",
                kind=AdministrativeUnit.Kind.COMMUNE,
                parent=self.world.dai_an_1,
            )


class PersonServiceTestCase(BaseTestCase):
    def test_it_stores_names_in_nfc_with_a_sort_key(self) -> None:
        person = Person(
            full_name=unicodedata.normalize("NFD", "  Lâm  Thị Tuyết "),
            gender=Person.Gender.FEMALE,
            unit=self.world.an_thanh_1,
            position=Position.CULTURE_SOCIETY,
            email=" TUYET@Example.VN ",
        )
        person_save(actor=self.world.commune_officer, person=person)
        person.refresh_from_db()
        self.assertEqual(person.full_name, "Lâm Thị Tuyết")
        self.assertTrue(unicodedata.is_normalized("NFC", person.full_name))
        self.assertEqual(person.email, "tuyet@example.vn")
        self.assertEqual(person.search_text, "lam thi tuyet")

    def test_people_are_listed_by_given_name(self) -> None:
        for name in ["Trần Văn Bình", "Nguyễn Thị An", "Lê Văn Ánh"]:
            make_person(name, self.world.an_thanh_1, Position.CULTURE_SOCIETY)
        names = list(
            Person.objects.filter(unit=self.world.an_thanh_1).values_list("full_name", flat=True)
        )
        self.assertEqual(
            names,
            ["Nguyễn Thị An", "Lê Văn Ánh", "Nguyễn Văn Bình", "Trần Văn Bình", "Huỳnh Thanh Long"],
        )


class AccountServiceTestCase(BaseTestCase):
    def test_it_applies_the_password_validators(self) -> None:
        with self.assertRaises(DomainError):
            user_create(
                actor=self.world.district_admin,
                username="canbo.moi",
                full_name="Cán Bộ Mới",
                role=Role.COMMUNE_OFFICER,
                unit=self.world.dai_an_1,
                password="12345678",
            )
        self.assertFalse(User.objects.filter(username="canbo.moi").exists())

    def test_it_refuses_a_role_over_the_wrong_level_of_unit(self) -> None:
        with self.assertRaises(DomainError):
            role_grant(
                actor=self.world.district_admin,
                user=self.world.nobody,
                role=Role.COMMUNE_OFFICER,
                unit=self.world.district,
            )

    def test_examinee_accounts_go_to_each_leader_with_a_forced_password_change(self) -> None:
        vice = make_person("Đỗ Minh Quang", self.world.an_thanh_1, Position.VICE_CHAIRMAN)
        issued = examinee_credentials_issue(
            actor=self.world.district_admin, unit=self.world.an_thanh_1
        )
        self.assertEqual(
            sorted(item.person.pk for item in issued),
            sorted([vice.pk, self.world.an_thanh_1_chairman.pk]),
        )
        for item in issued:
            user = User.objects.get(username=item.username)
            self.assertTrue(user.must_change_password)
            self.assertTrue(user.check_password(item.password))
            self.assertTrue(item.username.startswith("31618."))
            self.assertEqual(user.memberships.get().role, Role.EXAMINEE)
        self.assertEqual(User.objects.get(username=issued[0].username).person, issued[0].person)

    def test_a_second_issue_without_reset_is_refused(self) -> None:
        examinee_credentials_issue(actor=self.world.district_admin, unit=self.world.an_thanh_1)
        with self.assertRaises(DomainError):
            examinee_credentials_issue(actor=self.world.district_admin, unit=self.world.an_thanh_1)

    def test_a_reset_gives_new_one_time_passwords(self) -> None:
        first = examinee_credentials_issue(
            actor=self.world.district_admin, unit=self.world.an_thanh_1
        )
        second = examinee_credentials_issue(
            actor=self.world.district_admin, unit=self.world.an_thanh_1, reset_existing=True
        )
        self.assertEqual([i.username for i in first], [i.username for i in second])
        user = User.objects.get(username=second[0].username)
        self.assertTrue(user.check_password(second[0].password))
        self.assertFalse(user.check_password(first[0].password))

    def test_credentials_are_only_issued_for_a_commune(self) -> None:
        with self.assertRaises(DomainError):
            examinee_credentials_issue(actor=self.world.district_admin, unit=self.world.district)


class CredentialResetTestCase(BaseTestCase):
    def test_a_reset_never_touches_a_leader_account_that_holds_a_staff_role(self) -> None:
        chairman = self.world.an_thanh_1_chairman
        chairman.user = self.world.commune_officer
        chairman.save()
        with self.assertRaises(DomainError):
            examinee_credentials_issue(
                actor=self.world.district_admin, unit=self.world.an_thanh_1, reset_existing=True
            )
        self.world.commune_officer.refresh_from_db()
        self.assertFalse(self.world.commune_officer.must_change_password)
