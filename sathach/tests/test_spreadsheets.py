"""Hostile Excel files against every import (issue 15, points 2 and 3): zip bombs, a
shared-string bomb, a sheet of a million rows, a zip that is not a workbook. Each is refused
with a Vietnamese message naming the limit, before openpyxl unpacks anything big, and
nothing is stored."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase
from django.urls import reverse

from sathach.campaigns.rank_input import LEADER_COLUMNS, RankInputError, read_rank_input
from sathach.campaigns.results_import import COLUMNS, parse_results
from sathach.campaigns.tests.factories import make_campaign
from sathach.core.errors import ImportErrors
from sathach.core.models import Job
from sathach.core.spreadsheets import open_workbook, sheet_rows, workbook_problem
from sathach.core.tests import hostile_files as hostile
from sathach.exams.formats.xlsx import read_xlsx
from sathach.exams.formats.xlsx_layout import HEADERS
from sathach.organization.models import AdministrativeUnit, Person
from sathach.organization.testing import BaseTestCase
from sathach.organization.transfer import PEOPLE_SHEET, UNIT_SHEET, people_import, units_import

QUESTION_HEADER = list(HEADERS.values())
BOMB = "khi giải nén lớn hơn"
NOT_WORKBOOK = "Tệp không phải là sổ tính Excel (.xlsx)"


class GuardTests(SimpleTestCase):
    def test_a_zip_bomb_is_refused_from_the_directory_alone(self) -> None:
        problem = workbook_problem(hostile.zip_bomb("questions", ["a"], megabytes=80))
        self.assertIsNotNone(problem)
        assert problem is not None
        self.assertIn(BOMB, problem.message)
        self.assertIn("64 MB", problem.message)

    def test_a_shared_string_bomb_is_refused(self) -> None:
        problem = workbook_problem(hostile.shared_strings_bomb("questions", ["a"]))
        assert problem is not None
        self.assertIn("Phần chữ của sổ tính chiếm hơn 16 MB", problem.message)

    def test_a_zip_that_is_no_workbook_and_text_are_refused(self) -> None:
        for data in (hostile.zip_not_workbook(), b"ma_don_vi;ten\n01;An Thanh\n", b""):
            with self.subTest(data[:8]):
                problem = workbook_problem(data)
                assert problem is not None
                self.assertIn(NOT_WORKBOOK, problem.message)

    def test_reading_stops_at_the_row_cap_with_the_limit_named(self) -> None:
        workbook = open_workbook(hostile.million_rows("questions", ["a"]))
        with self.assertRaises(Exception) as raised:
            for _row in sheet_rows(workbook.active, max_rows=1000):
                pass
        self.assertIn("hơn 1.000 dòng", str(raised.exception))

    def test_a_row_is_never_wider_than_the_column_cap(self) -> None:
        workbook = open_workbook(hostile.many_rows("questions", ["a"] * 100, 2, ["b"] * 100))
        widths = {len(row) for row in sheet_rows(workbook.active)}
        self.assertEqual(widths, {64})


class QuestionFileTests(SimpleTestCase):
    def test_a_million_row_question_sheet_is_one_error_naming_the_limit(self) -> None:
        result = read_xlsx(hostile.million_rows("questions", QUESTION_HEADER))
        self.assertEqual(len(result.errors), 1)
        self.assertIn("có hơn 20.000 dòng", result.errors[0].message)
        self.assertEqual(result.questions, [])

    def test_bombs_are_refused_before_reading(self) -> None:
        for data in (
            hostile.zip_bomb("questions", QUESTION_HEADER),
            hostile.shared_strings_bomb("questions", QUESTION_HEADER),
        ):
            result = read_xlsx(data)
            self.assertEqual(len(result.errors), 1)
            self.assertIn("bị từ chối, không được đọc", result.errors[0].message)


def xlsx(content: bytes, name: str = "tep.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


class OrganizationImportTests(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.world.district_admin)

    def state(self) -> tuple[int, int, int]:
        return AdministrativeUnit.objects.count(), Person.objects.count(), Job.objects.count()

    def test_bombs_and_foreign_zips_are_refused_at_upload_before_any_job(self) -> None:
        before = self.state()
        for url, spec in (("unit-import", UNIT_SHEET), ("person-import", PEOPLE_SHEET)):
            for data, message in (
                (hostile.zip_bomb(spec.name, list(spec.titles)), BOMB),
                (hostile.zip_not_workbook(), NOT_WORKBOOK),
            ):
                with self.subTest(url=url, message=message):
                    response = self.client.post(reverse(url), {"file": xlsx(data)})
                    self.assertContains(response, message)
        self.assertEqual(self.state(), before)
        self.assertEqual(self.client.get(reverse("unit-list")).status_code, 200)

    def test_a_million_row_sheet_is_refused_by_the_import_with_the_limit(self) -> None:
        # The service the request and the background job both run.
        before = self.state()
        for spec, run in (
            (UNIT_SHEET, lambda data: units_import(actor=self.world.district_admin, content=data)),
            (
                PEOPLE_SHEET,
                lambda data: people_import(actor=self.world.district_admin, content=data),
            ),
        ):
            with self.subTest(spec.name), self.assertRaises(ImportErrors) as raised:
                run(hostile.million_rows(spec.name, list(spec.titles)))
            self.assertIn("5000", raised.exception.message)
        self.assertEqual(self.state(), before)


class ResultsAndRankingTests(BaseTestCase):
    def test_results_import_refuses_a_bomb_and_stops_at_its_row_cap(self) -> None:
        campaign = make_campaign(self.world)
        rows, problems = parse_results(campaign, hostile.zip_bomb("leaders", COLUMNS))
        self.assertEqual(rows, [])
        self.assertIn(BOMB, problems[0][2])
        rows, problems = parse_results(campaign, hostile.million_rows("leaders", COLUMNS))
        self.assertEqual(rows, [])
        self.assertTrue(any("Quá nhiều dòng" in p[2] or "dòng" in p[2] for p in problems))

    def test_the_ranking_input_refuses_a_million_rows(self) -> None:
        data = hostile.million_rows("leaders", list(LEADER_COLUMNS))
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "xep-hang.xlsx"
            path.write_bytes(data)
            with self.assertRaises(RankInputError) as raised:
                read_rank_input(path)
        self.assertIn("có hơn 20.000 dòng", " ".join(raised.exception.problems))
