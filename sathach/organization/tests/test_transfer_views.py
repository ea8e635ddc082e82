from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from sathach.core.models import AuditEntry
from sathach.organization.models import AdministrativeUnit, Person, Position
from sathach.organization.testing import BaseTestCase
from sathach.organization.tests.test_transfer import (
    GOOD_PERSON,
    PEOPLE_HEADERS,
    UNIT_HEADERS,
    people_state,
    read_rows,
    units_state,
    units_xlsx,
    xlsx,
)
from sathach.organization.transfer import XLSX_CONTENT_TYPE, ImportSummary


def upload(content: bytes, name: str = "can-bo.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX_CONTENT_TYPE)


class ImportPageTestCase(BaseTestCase):
    def test_the_import_pages_show_the_form_and_the_template_link(self) -> None:
        self.login(self.world.district_admin)
        for page, template in [
            ("unit-import", "unit-template"),
            ("person-import", "person-template"),
        ]:
            with self.subTest(page=page):
                response = self.client.get(reverse(page))
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, reverse(template))
                self.assertContains(response, 'enctype="multipart/form-data"')

    def test_it_reports_every_bad_row_and_imports_nothing(self) -> None:
        rows: list[list[Any]] = [
            GOOD_PERSON,
            ["", "Bình", "Nam", "31618", "Văn thư", "", ""],
            ["", "Phạm Văn Dũng", "Nam", "31627", "Phó Chủ tịch", "", ""],
            ["", "Võ Thị Mai", "Nữ", "31618", "Tư pháp \u2013 Hộ tịch", "", ""],
            ["", "Đặng Văn Khoa", "Nam", "31627", "Văn thư", "", ""],
            ["", "Trương Thị Lan", "Nữ", "31618", "Văn thư", "12", ""],
        ]
        self.login(self.world.district_admin)
        people, audit = people_state(), AuditEntry.objects.count()
        response = self.client.post(reverse("person-import"), {"file": upload(xlsx(rows))})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            [(row, column) for row, column, _message in response.context["problems"]],
            [(3, "Họ và tên"), (7, "Điện thoại")],
        )
        self.assertContains(response, _("No row was imported."))
        self.assertContains(response, f'<th class="num">{_("Row")}</th>', html=False)
        # Each mistake at its row and its column's letter and title, after the sentence.
        page = response.content.decode()
        self.assertLess(page.index(_("No row was imported.")), page.index("<table"))
        self.assertIn('<td class="num">3</td><td>B (Họ và tên)</td>', page)
        self.assertIn('<td class="num">7</td><td>F (Điện thoại)</td>', page)
        self.assertEqual(people_state(), people)
        self.assertEqual(AuditEntry.objects.count(), audit)

    def test_a_good_file_redirects_to_the_list_with_the_counts(self) -> None:
        self.login(self.world.commune_officer)
        response = self.client.post(
            reverse("person-import"), {"file": upload(xlsx([GOOD_PERSON]))}, follow=True
        )
        self.assertRedirects(response, reverse("person-list"))
        self.assertContains(response, ImportSummary(1, 0, 0).describe())
        self.assertTrue(
            Person.objects.filter(full_name="Lê Thị Hồng", unit=self.world.an_thanh_1).exists()
        )

    def test_a_commune_officer_cannot_import_people_of_another_commune(self) -> None:
        self.login(self.world.commune_officer)
        row = ["", "Lê Thị Hồng", "Nữ", "31627", "Văn thư", "", ""]
        response = self.client.post(
            reverse("person-import"), {"file": upload(xlsx([GOOD_PERSON, row]))}
        )
        self.assertEqual([(r, c) for r, c, _m in response.context["problems"]], [(3, "Mã đơn vị")])
        self.assertFalse(Person.objects.filter(full_name="Lê Thị Hồng").exists())

    def test_a_commune_officer_gets_403_on_the_unit_import_and_its_template(self) -> None:
        self.login(self.world.commune_officer)
        units = units_state()
        self.assertEqual(self.client.get(reverse("unit-import")).status_code, 403)
        self.assertEqual(self.client.get(reverse("unit-template")).status_code, 403)
        content = units_xlsx([["31618", "Xã Bị Đổi Tên", "Xã", "945"]])
        response = self.client.post(
            reverse("unit-import"), {"file": upload(content, "don-vi.xlsx"), "era": "2020"}
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(units_state(), units)

    def test_a_council_member_exports_but_does_not_import(self) -> None:
        self.login(self.world.council)
        self.assertEqual(self.client.get(reverse("person-export")).status_code, 200)
        self.assertEqual(self.client.get(reverse("unit-export")).status_code, 200)
        self.assertEqual(self.client.get(reverse("person-import")).status_code, 403)
        self.assertEqual(self.client.get(reverse("person-template")).status_code, 403)

    def test_anonymous_users_are_sent_to_sign_in(self) -> None:
        for page in [
            "unit-import",
            "unit-template",
            "unit-export",
            "person-import",
            "person-template",
            "person-export",
        ]:
            with self.subTest(page=page):
                response = self.client.get(reverse(page))
                self.assertEqual(response.status_code, 302)
                self.assertIn(reverse("login"), response["Location"])

    def test_a_corrupt_upload_gives_a_clear_message(self) -> None:
        self.login(self.world.district_admin)
        people = people_state()
        response = self.client.post(
            reverse("person-import"), {"file": upload(b"PK\x03\x04 broken")}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["problems"], [])
        # Refused at upload, read as what it is: not a workbook.
        self.assertContains(response, "Tệp không phải là sổ tính Excel (.xlsx)")
        response = self.client.post(
            reverse("person-import"), {"file": upload(b"a;b\n", "can-bo.csv")}
        )
        self.assertTrue(response.context["form"].errors["file"])
        self.assertEqual(people_state(), people)

    def test_units_are_imported_into_the_chosen_era(self) -> None:
        self.login(self.world.district_admin)
        content = units_xlsx([["31636", "Xã An Thạnh Nam", "Xã", "945"]])
        response = self.client.post(
            reverse("unit-import"), {"file": upload(content, "don-vi.xlsx"), "era": "2020"}
        )
        self.assertRedirects(response, reverse("unit-list"))
        unit = AdministrativeUnit.objects.get(code="31636")
        self.assertEqual((unit.parent, unit.era), (self.world.district, "2020"))
        response = self.client.post(
            reverse("unit-import"), {"file": upload(content, "don-vi.xlsx"), "era": "2025"}
        )
        self.assertEqual(
            [(r, c) for r, c, _m in response.context["problems"]], [(2, "Mã đơn vị cấp trên")]
        )


class DownloadTestCase(BaseTestCase):
    def test_template_downloads_open_with_openpyxl_and_have_the_headers(self) -> None:
        self.login(self.world.district_admin)
        for page, filename, sheet, headers in [
            ("unit-template", "mau-nhap-don-vi.xlsx", "Đơn vị", UNIT_HEADERS),
            ("person-template", "mau-nhap-can-bo.xlsx", "Cán bộ", PEOPLE_HEADERS),
        ]:
            with self.subTest(page=page):
                response = self.client.get(reverse(page))
                self.assertEqual(response["Content-Type"], XLSX_CONTENT_TYPE)
                self.assertEqual(
                    response["Content-Disposition"], f'attachment; filename="{filename}"'
                )
                workbook = load_workbook(io.BytesIO(response.content))
                self.assertEqual([cell.value for cell in workbook[sheet][1]], headers)
                self.assertIn("Hướng dẫn", workbook.sheetnames)

    def test_the_people_export_honours_the_list_filters(self) -> None:
        self.login(self.world.district_admin)
        response = self.client.get(reverse("person-export"), {"unit": self.world.an_thanh_1.pk})
        self.assertTrue(response["Content-Disposition"].startswith('attachment; filename="can-bo-'))
        names = [row[1] for row in read_rows(response.content, "Cán bộ")[1:]]
        self.assertEqual(names, ["Nguyễn Văn Bình", "Huỳnh Thanh Long"])
        response = self.client.get(reverse("person-export"), {"position": Position.CHAIRMAN})
        names = [row[1] for row in read_rows(response.content, "Cán bộ")[1:]]
        self.assertEqual(names, ["Nguyễn Văn Bình", "Trần Thị Ngân"])
        response = self.client.get(reverse("person-export"), {"q": "long"})
        self.assertEqual(
            [row[1] for row in read_rows(response.content, "Cán bộ")[1:]], ["Huỳnh Thanh Long"]
        )

    def test_an_export_holds_only_the_users_units(self) -> None:
        self.login(self.world.outsider)
        people = [
            row[1]
            for row in read_rows(self.client.get(reverse("person-export")).content, "Cán bộ")[1:]
        ]
        self.assertEqual(people, ["Lý Văn Sơn"])
        units = [
            row[0]
            for row in read_rows(self.client.get(reverse("unit-export")).content, "Đơn vị")[1:]
        ]
        self.assertEqual(units, ["946", "31639"])

    def test_an_export_imports_again_through_the_page_without_changes(self) -> None:
        self.login(self.world.district_admin)
        people, units = people_state(), units_state()
        exported = self.client.get(reverse("person-export")).content
        response = self.client.post(
            reverse("person-import"), {"file": upload(exported)}, follow=True
        )
        self.assertContains(response, ImportSummary(0, 0, 3).describe())
        exported = self.client.get(reverse("unit-export")).content
        response = self.client.post(
            reverse("unit-import"),
            {"file": upload(exported, "don-vi.xlsx"), "era": "2020"},
            follow=True,
        )
        self.assertContains(response, ImportSummary(0, 0, 3).describe())
        self.assertEqual(people_state(), people)
        self.assertEqual(units_state(), units)
