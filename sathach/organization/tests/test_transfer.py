from __future__ import annotations

import io
import unicodedata
import zipfile
from io import StringIO
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any
from unittest import mock

from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from sathach.core.errors import ImportErrors
from sathach.core.models import AuditEntry
from sathach.organization.models import AdministrativeUnit, Person, Position
from sathach.organization.selectors import people_list
from sathach.organization.testing import BaseTestCase, make_unit
from sathach.organization.transfer import (
    CLI_ACTOR,
    PEOPLE_SHEET,
    UNIT_SHEET,
    people_export,
    people_import,
    person_template,
    problem_line,
    unit_template,
    units_export,
    units_import,
)

PEOPLE_HEADERS = ["Mã số", "Họ và tên", "Giới tính", "Mã đơn vị", "Chức vụ", "Điện thoại", "Email"]
UNIT_HEADERS = ["Mã đơn vị", "Tên đơn vị", "Loại", "Mã đơn vị cấp trên"]


def xlsx(
    rows: list[list[Any]], headers: list[str] = PEOPLE_HEADERS, sheet: str = "Cán bộ"
) -> bytes:
    """A workbook as a user would make it: row 1 the headers, then `rows` from row 2."""
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    worksheet.append(headers)
    for row in rows:
        worksheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def units_xlsx(rows: list[list[Any]]) -> bytes:
    return xlsx(rows, UNIT_HEADERS, "Đơn vị")


def read_rows(content: bytes, sheet: str) -> list[tuple[Any, ...]]:
    return list(load_workbook(io.BytesIO(content))[sheet].iter_rows(values_only=True))


def people_state() -> list[tuple[Any, ...]]:
    return list(
        Person.objects.order_by("pk").values_list(
            "pk", "full_name", "gender", "unit_id", "position", "phone", "email", "sort_key"
        )
    )


def units_state() -> list[tuple[Any, ...]]:
    return list(
        AdministrativeUnit.objects.order_by("pk").values_list(
            "pk", "code", "name", "kind", "level", "era", "parent_id", "path"
        )
    )


def cells(error: ImportErrors) -> set[tuple[int, str]]:
    return {(row, column) for row, column, _message in error.problems}


GOOD_PERSON = [
    "",
    "Lê Thị Hồng",
    "Nữ",
    "31618",
    "Văn hóa \u2013 Xã hội",  # the label has an en dash
    "0912345678",
    "hong@example.vn",
]


class PeopleImportTestCase(BaseTestCase):
    def test_it_reports_every_bad_row_and_imports_nothing(self) -> None:
        rows: list[list[Any]] = [
            GOOD_PERSON,
            ["", "Bình", "Nam", "31618", "Thủ quỹ", "", ""],
            ["", "Phạm Văn Dũng", "Nam", "31627", "Phó Chủ tịch", "", ""],
            ["", "Võ Thị Mai", "nu", "31618", "tu phap ho tich", "", ""],
            ["", "Đặng Văn Khoa", "Nam", "31627", "Chỉ huy trưởng Quân sự", "", ""],
            ["", "Trương Thị Lan", "Nữ", "99999", "Văn thư", "12-34", "lan@"],
            ["", "Châu Văn Tài", "Nam", "31627", "Trưởng Công an", "+84912345678", ""],
        ]
        people, audit = people_state(), AuditEntry.objects.count()
        with self.assertRaises(ImportErrors) as caught:
            people_import(actor=self.world.district_admin, content=xlsx(rows))
        self.assertEqual(
            cells(caught.exception),
            {(3, "Họ và tên"), (3, "Chức vụ"), (7, "Mã đơn vị"), (7, "Điện thoại"), (7, "Email")},
        )
        self.assertTrue(caught.exception.message)
        self.assertTrue(all(message for _row, _column, message in caught.exception.problems))
        self.assertIn(
            "Thủ quỹ", dict(((r, c), m) for r, c, m in caught.exception.problems)[(3, "Chức vụ")]
        )
        self.assertEqual(people_state(), people)
        self.assertEqual(AuditEntry.objects.count(), audit)

    def test_it_adds_and_updates_people_with_one_audit_entry(self) -> None:
        officer = self.world.officer_person
        rows: list[list[Any]] = [
            [
                officer.pk,
                "Huỳnh Thanh Long",
                "Nam",
                "31618",
                "Văn phòng - Thống kê",
                "0299 3861 234",
                "",
            ],
            ["", "Lê Thị Hồng", "nữ", "31618", "PHO CHU TICH", "", "Hong@Example.VN"],
            ["", "Phạm Văn Dũng", "Male", 31627, "tai_chinh_ke_toan", 912345678, ""],
        ]
        audit = AuditEntry.objects.count()
        summary = people_import(actor=self.world.district_admin, content=xlsx(rows))
        self.assertEqual((summary.created, summary.updated, summary.unchanged), (2, 1, 0))
        officer.refresh_from_db()
        self.assertEqual(officer.phone, "02993861234")
        hong = Person.objects.get(full_name="Lê Thị Hồng")
        self.assertEqual(
            (hong.gender, hong.unit, hong.position, hong.email),
            ("nu", self.world.an_thanh_1, Position.VICE_CHAIRMAN, "hong@example.vn"),
        )
        dung = Person.objects.get(full_name="Phạm Văn Dũng")
        self.assertEqual((dung.unit, dung.phone), (self.world.dai_an_1, "0912345678"))
        self.assertEqual(AuditEntry.objects.count(), audit + 1)
        entry = AuditEntry.objects.order_by("-seq").first()
        self.assertEqual(entry.action, "person.imported")
        self.assertEqual(entry.summary["created"], 2)
        self.assertEqual(entry.unit, self.world.district)

    def test_a_commune_officer_cannot_import_people_into_another_commune(self) -> None:
        rows: list[list[Any]] = [
            ["", "Lê Thị Hồng", "Nữ", "31627", "Văn thư", "", ""],
            [self.world.leader_person.pk, "Trần Thị Ngân", "Nữ", "31618", "Chủ tịch", "", ""],
            ["", "Phạm Văn Dũng", "Nam", "31618", "Văn thư", "", ""],
        ]
        people = people_state()
        with self.assertRaises(ImportErrors) as caught:
            people_import(actor=self.world.commune_officer, content=xlsx(rows))
        self.assertEqual(cells(caught.exception), {(2, "Mã đơn vị"), (3, "Mã số")})
        self.assertEqual(people_state(), people)

    def test_a_commune_officer_imports_people_of_their_own_commune(self) -> None:
        summary = people_import(actor=self.world.commune_officer, content=xlsx([GOOD_PERSON]))
        self.assertEqual(summary.created, 1)
        self.assertTrue(
            Person.objects.filter(full_name="Lê Thị Hồng", unit=self.world.an_thanh_1).exists()
        )

    def test_a_decomposed_name_is_stored_in_nfc(self) -> None:
        name = unicodedata.normalize("NFD", "  Lâm   Thị Tuyết ")
        self.assertFalse(unicodedata.is_normalized("NFC", name))
        people_import(
            actor=self.world.district_admin,
            content=xlsx(
                [["", name, "Nữ", "31618", unicodedata.normalize("NFD", "Văn thư"), "", ""]]
            ),
        )
        person = Person.objects.get(search_text="lam thi tuyet")
        self.assertEqual(person.full_name, "Lâm Thị Tuyết")
        self.assertTrue(unicodedata.is_normalized("NFC", person.full_name))
        self.assertEqual(person.position, Position.CLERK)
        self.assertTrue(person.sort_key)

    def test_export_then_import_changes_nothing_and_keeps_diacritics_in_nfc(self) -> None:
        admin = self.world.district_admin
        content = people_export(admin, people_list(admin))
        rows = read_rows(content, PEOPLE_SHEET.name)
        self.assertEqual(list(rows[0]), PEOPLE_HEADERS)
        names = [row[1] for row in rows[1:]]
        # By given name: Bình, Long, Ngân; nobody of Long Phú.
        self.assertEqual(names, ["Nguyễn Văn Bình", "Huỳnh Thanh Long", "Trần Thị Ngân"])
        self.assertTrue(all(unicodedata.is_normalized("NFC", name) for name in names))
        self.assertEqual(rows[3][2:5], ("Nữ", "31627", "Chủ tịch"))
        before = people_state()
        summary = people_import(actor=admin, content=content)
        self.assertEqual((summary.created, summary.updated, summary.unchanged), (0, 0, 3))
        self.assertEqual(people_state(), before)

    def test_a_corrupt_or_non_xlsx_file_gives_a_clear_message(self) -> None:
        good = xlsx([GOOD_PERSON])
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as zipped:
            zipped.writestr("hello.txt", "not a workbook")
        for content in [b"Ho va ten;Gioi tinh\n", b"", good[: len(good) // 2], archive.getvalue()]:
            with self.subTest(size=len(content)), self.assertRaises(ImportErrors) as caught:
                people_import(actor=self.world.district_admin, content=content)
            self.assertTrue(caught.exception.message)
            self.assertEqual(caught.exception.problems, [])

    def test_missing_columns_are_reported_on_row_1(self) -> None:
        headers = [h for h in PEOPLE_HEADERS if h not in ("Chức vụ", "Email")]
        with self.assertRaises(ImportErrors) as caught:
            people_import(actor=self.world.district_admin, content=xlsx([], headers))
        self.assertEqual(cells(caught.exception), {(1, "Chức vụ"), (1, "Email")})

    def test_headers_match_in_any_order_and_without_diacritics(self) -> None:
        headers = [
            "HO VA TEN",
            "ma don vi",
            "Chuc vu",
            "Gioi tinh",
            "Ma so",
            "Dien thoai",
            "email",
            "Ghi chú",
        ]
        row = ["Lê Thị Hồng", "31618", "Văn thư", "Nữ", "", "", "", "extra column"]
        summary = people_import(actor=self.world.district_admin, content=xlsx([row], headers))
        self.assertEqual(summary.created, 1)

    def test_empty_rows_are_skipped_and_rows_keep_their_numbers(self) -> None:
        rows: list[list[Any]] = [
            GOOD_PERSON,
            [None] * 7,
            ["", "", "", "", "", "", "  "],
            ["", "Lê Hồng", "X", "31618", "Văn thư", "", ""],
        ]
        with self.assertRaises(ImportErrors) as caught:
            people_import(actor=self.world.district_admin, content=xlsx(rows))
        self.assertEqual(cells(caught.exception), {(5, "Giới tính")})

    def test_a_file_with_only_headers_is_refused(self) -> None:
        with self.assertRaises(ImportErrors) as caught:
            people_import(actor=self.world.district_admin, content=xlsx([]))
        self.assertEqual(caught.exception.problems, [])

    def test_a_file_over_the_row_cap_is_refused(self) -> None:
        with (
            mock.patch("sathach.organization.transfer.sheets.MAX_ROWS", 2),
            self.assertRaises(ImportErrors) as caught,
        ):
            people_import(actor=self.world.district_admin, content=xlsx([GOOD_PERSON] * 3))
        self.assertIn("2", caught.exception.message)
        self.assertFalse(Person.objects.filter(full_name="Lê Thị Hồng").exists())

    def test_a_number_given_twice_is_reported(self) -> None:
        pk = self.world.officer_person.pk
        row = [pk, "Huỳnh Thanh Long", "Nam", "31618", "Văn thư", "", ""]
        with self.assertRaises(ImportErrors) as caught:
            people_import(actor=self.world.district_admin, content=xlsx([row, row]))
        self.assertEqual(cells(caught.exception), {(3, "Mã số")})

    def test_a_code_of_several_levels_goes_to_the_commune(self) -> None:
        make_unit("31618", "Huyện Trùng Mã", AdministrativeUnit.Kind.DISTRICT, self.world.province)
        people_import(actor=CLI_ACTOR, content=xlsx([GOOD_PERSON]))
        self.assertEqual(Person.objects.get(full_name="Lê Thị Hồng").unit, self.world.an_thanh_1)

    def test_a_code_of_both_lists_of_divisions_is_ambiguous_unless_the_person_is_there(
        self,
    ) -> None:
        province = AdministrativeUnit(code="94", name="Tỉnh Sóc Trăng", kind="tinh", era="2025")
        province.save()
        AdministrativeUnit(
            code="31618", name="Xã An Thạnh", kind="xa", parent=province, era="2025"
        ).save()
        with self.assertRaises(ImportErrors) as caught:
            people_import(actor=CLI_ACTOR, content=xlsx([GOOD_PERSON]))
        self.assertEqual(cells(caught.exception), {(2, "Mã đơn vị")})
        self.assertIn("Xã An Thạnh 1", caught.exception.problems[0][2])
        chairman = self.world.an_thanh_1_chairman
        row = [chairman.pk, chairman.full_name, "Nam", "31618", "Chủ tịch", "0987654321", ""]
        summary = people_import(actor=CLI_ACTOR, content=xlsx([row]))
        self.assertEqual(summary.updated, 1)
        chairman.refresh_from_db()
        self.assertEqual((chairman.unit, chairman.phone), (self.world.an_thanh_1, "0987654321"))


class UnitImportTestCase(BaseTestCase):
    def test_it_adds_and_renames_units_with_one_audit_entry(self) -> None:
        rows: list[list[Any]] = [
            ["31627", "Xã Đại Ân Một", "Xã", "945"],
            ["31636", "Xã An Thạnh Nam", "xa", "945"],
            [31615, "Thị trấn Cù Lao Dung", "THI TRAN", 945],
        ]
        audit = AuditEntry.objects.count()
        summary = units_import(actor=self.world.district_admin, content=units_xlsx(rows))
        self.assertEqual((summary.created, summary.updated, summary.unchanged), (2, 1, 0))
        self.world.dai_an_1.refresh_from_db()
        self.assertEqual(self.world.dai_an_1.name, "Xã Đại Ân Một")
        town = AdministrativeUnit.objects.get(code="31615")
        self.assertEqual(
            (town.kind, town.parent, town.era), ("thi_tran", self.world.district, "2020")
        )
        self.assertTrue(self.world.district.contains(town))
        self.assertEqual(AuditEntry.objects.count(), audit + 1)
        entry = AuditEntry.objects.order_by("-seq").first()
        self.assertEqual((entry.action, entry.unit), ("unit.imported", self.world.district))
        self.assertEqual(entry.summary["created"], 2)

    def test_parents_may_be_earlier_rows_and_codes_keep_their_leading_zeros(self) -> None:
        rows: list[list[Any]] = [
            [1, "Thành phố Hà Nội", "Thành phố trực thuộc trung ương", None],
            [1, "Quận Ba Đình", "Quận", 1],
            [1, "Phường Phúc Xá", "Phường", "001"],
        ]
        summary = units_import(actor=CLI_ACTOR, content=units_xlsx(rows))
        self.assertEqual(summary.created, 3)
        ward = AdministrativeUnit.objects.get(code="00001")
        self.assertEqual([unit.code for unit in ward.ancestors()], ["01", "001"])
        self.assertEqual(AuditEntry.objects.order_by("-seq").first().actor_label, "cli")

    def test_a_parent_must_come_before_its_children(self) -> None:
        rows = [["31701", "Xã Mới", "Xã", "947"], ["947", "Huyện Mới", "Huyện", "94"]]
        with self.assertRaises(ImportErrors) as caught:
            units_import(actor=CLI_ACTOR, content=units_xlsx(rows))
        self.assertEqual(cells(caught.exception), {(2, "Mã đơn vị cấp trên")})
        self.assertIn("3", caught.exception.problems[0][2])

    def test_it_reports_every_bad_unit_and_imports_nothing(self) -> None:
        rows: list[list[Any]] = [
            ["31636", "Xã An Thạnh Nam", "Xã", "945"],
            ["31A", "Xã Sai Mã", "Xã", "945"],
            ["31637", "", "Làng", "945"],
            ["31636", "Xã Trùng", "Xã", "945"],
            ["95", "Tỉnh Mới", "Tỉnh", ""],
            ["31640", "Xã Ngoài", "Xã", "946"],
            ["31641", "Xã Mồ Côi", "Xã", ""],
            ["31642", "Xã Không Cha", "Xã", "999"],
            ["94", "Tỉnh Sóc Trăng", "Tỉnh", "945"],
        ]
        units, audit = units_state(), AuditEntry.objects.count()
        with self.assertRaises(ImportErrors) as caught:
            units_import(actor=self.world.district_admin, content=units_xlsx(rows))
        self.assertEqual(
            cells(caught.exception),
            {
                (3, "Mã đơn vị"),
                (4, "Tên đơn vị"),
                (4, "Loại"),
                (5, "Mã đơn vị"),
                (6, "Mã đơn vị"),
                (7, "Mã đơn vị cấp trên"),
                (8, "Mã đơn vị cấp trên"),
                (9, "Mã đơn vị cấp trên"),
                (10, "Mã đơn vị"),
                (10, "Mã đơn vị cấp trên"),
            },
        )
        self.assertEqual(units_state(), units)
        self.assertEqual(AuditEntry.objects.count(), audit)

    def test_an_import_does_not_move_or_take_over_units(self) -> None:
        rows: list[list[Any]] = [
            ["31618", "Xã An Thạnh 1", "Xã", "946"],
            ["31639", "Thị trấn Long Phú", "Thị trấn", "946"],
        ]
        with self.assertRaises(ImportErrors) as caught:
            units_import(actor=self.world.district_admin, content=units_xlsx(rows))
        self.assertEqual(cells(caught.exception), {(2, "Mã đơn vị cấp trên"), (3, "Mã đơn vị")})

    def test_a_commune_officer_manages_no_units(self) -> None:
        with self.assertRaises(ImportErrors) as caught:
            units_import(
                actor=self.world.commune_officer,
                content=units_xlsx([["31618", "Xã An Thạnh Một", "Xã", "945"]]),
            )
        self.assertEqual(cells(caught.exception), {(2, "Mã đơn vị")})
        self.world.an_thanh_1.refresh_from_db()
        self.assertEqual(self.world.an_thanh_1.name, "Xã An Thạnh 1")

    def test_export_then_import_changes_nothing(self) -> None:
        admin = self.world.district_admin
        content = units_export(admin)
        rows = read_rows(content, UNIT_SHEET.name)
        self.assertEqual(
            rows,
            [
                tuple(UNIT_HEADERS),
                ("945", "Huyện Cù Lao Dung", "Huyện", "94"),
                ("31618", "Xã An Thạnh 1", "Xã", "945"),
                ("31627", "Xã Đại Ân 1", "Xã", "945"),
            ],
        )
        before = units_state()
        summary = units_import(actor=admin, content=content)
        self.assertEqual((summary.created, summary.updated, summary.unchanged), (0, 0, 3))
        self.assertEqual(units_state(), before)

    def test_the_era_decides_where_parents_are_looked_up(self) -> None:
        rows = [["92", "Thành phố Cần Thơ", "Thành phố", ""], ["31618", "Xã An Thạnh", "Xã", "92"]]
        summary = units_import(actor=CLI_ACTOR, content=units_xlsx(rows), era="2025")
        self.assertEqual(summary.created, 2)
        commune = AdministrativeUnit.objects.get(era="2025", code="31618")
        self.assertEqual((commune.parent.code, commune.parent.kind), ("92", "thanh_pho_tw"))
        self.world.an_thanh_1.refresh_from_db()
        self.assertEqual(self.world.an_thanh_1.name, "Xã An Thạnh 1")


class TemplateTestCase(BaseTestCase):
    def test_templates_have_the_headers_a_guide_and_drop_down_lists(self) -> None:
        for content, sheet, headers, lists in [
            (unit_template(), "Đơn vị", UNIT_HEADERS, {"C": ["Xã", "Thị trấn", "Huyện"]}),
            (
                person_template(),
                "Cán bộ",
                PEOPLE_HEADERS,
                {"C": ["Nam", "Nữ"], "E": ["Chủ tịch", "Phó Chủ tịch"]},
            ),
        ]:
            with self.subTest(sheet=sheet):
                workbook = load_workbook(io.BytesIO(content))
                self.assertEqual(workbook.sheetnames, [sheet, "Hướng dẫn"])
                data = workbook[sheet]
                self.assertEqual([cell.value for cell in data[1]], headers)
                self.assertEqual(data.max_row, 1)
                self.assertTrue(data["A1"].font.bold)
                self.assertEqual(data.freeze_panes, "A2")
                guide = [
                    value
                    for row in workbook["Hướng dẫn"].iter_rows(values_only=True)
                    for value in row
                    if value
                ]
                validated = {
                    str(v.sqref).split(":")[0][0] for v in data.data_validations.dataValidation
                }
                self.assertEqual(validated, set(lists))
                for values in lists.values():
                    for value in values:
                        self.assertIn(value, guide)

    def test_a_filled_in_template_imports(self) -> None:
        workbook = load_workbook(io.BytesIO(person_template()))
        workbook["Cán bộ"].append(GOOD_PERSON)
        buffer = io.BytesIO()
        workbook.save(buffer)
        summary = people_import(actor=self.world.district_admin, content=buffer.getvalue())
        self.assertEqual(summary.created, 1)


class CommandTestCase(BaseTestCase):
    def run_command(self, *args: str) -> tuple[str, str]:
        out, err = StringIO(), StringIO()
        call_command(*args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    def test_people_import_prints_each_mistake_and_exits_with_status_2(self) -> None:
        rows = [GOOD_PERSON, ["", "Bình", "Nam", "31618", "Văn thư", "", ""]]
        people = people_state()
        with TemporaryDirectory() as folder:
            path = Path(folder) / "can-bo.xlsx"
            path.write_bytes(xlsx(rows))
            err = StringIO()
            with self.assertRaises(SystemExit) as caught:
                call_command("people", "import", str(path), stdout=StringIO(), stderr=err)
        self.assertEqual(caught.exception.code, 2)
        lines = err.getvalue().splitlines()
        # The column as the sheet shows it: its letter, then its title.
        self.assertTrue(lines[0].startswith(problem_line(3, "B (Họ và tên)", "")), lines)
        self.assertEqual(len(lines), 2)
        self.assertEqual(people_state(), people)

    def test_people_export_then_import_through_the_command_changes_nothing(self) -> None:
        before = people_state()
        with TemporaryDirectory() as folder:
            path = str(Path(folder) / "can-bo.xlsx")
            self.run_command("people", "export", path)
            names = [row[1] for row in read_rows(Path(path).read_bytes(), "Cán bộ")[1:]]
            self.assertIn("Lý Văn Sơn", names)
            out, err = self.run_command("people", "import", path)
        self.assertEqual(err, "")
        self.assertTrue(out)
        self.assertEqual(people_state(), before)

    def test_a_corrupt_file_exits_with_status_2_and_one_message(self) -> None:
        with TemporaryDirectory() as folder:
            path = Path(folder) / "don-vi.xlsx"
            path.write_bytes(b"\x00\x01 not a workbook")
            err = StringIO()
            with self.assertRaises(SystemExit) as caught:
                call_command("units", "import", str(path), stdout=StringIO(), stderr=err)
        self.assertEqual(caught.exception.code, 2)
        self.assertEqual(len(err.getvalue().splitlines()), 1)
        self.assertNotIn("Traceback", err.getvalue())

    def test_units_import_takes_the_era_option_and_export_writes_one_era(self) -> None:
        rows = [["92", "Thành phố Cần Thơ", "Thành phố trực thuộc trung ương", ""]]
        with TemporaryDirectory() as folder:
            path = Path(folder) / "don-vi.xlsx"
            path.write_bytes(units_xlsx(rows))
            self.run_command("units", "import", str(path), "--era", "2025")
            self.assertTrue(AdministrativeUnit.objects.filter(era="2025", code="92").exists())
            self.assertFalse(AdministrativeUnit.objects.filter(era="2020", code="92").exists())
            self.run_command("units", "export", str(path), "--era", "2025")
            self.assertEqual(
                read_rows(path.read_bytes(), "Đơn vị")[1:],
                [("92", "Thành phố Cần Thơ", "Thành phố trực thuộc trung ương", None)],
            )
            self.run_command("units", "export", str(path))
            codes = [row[0] for row in read_rows(path.read_bytes(), "Đơn vị")[1:]]
        self.assertEqual(codes, ["94", "945", "31618", "31627", "946", "31639"])
