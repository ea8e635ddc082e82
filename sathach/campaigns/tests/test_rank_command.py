"""`sathach rank` exactly as contracts/ranking.md says, run as a separate process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import BytesIO
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from django.conf import settings
from django.test import SimpleTestCase
from openpyxl import Workbook

DATA = Path(__file__).parent / "data"
INPUT = json.loads((DATA / "ranking-input.json").read_text())
OUTPUT = json.loads((DATA / "ranking-output.json").read_text())
COLUMNS = [
    "unit_code",
    "unit_name",
    "facility_score",
    "leader_id",
    "name",
    "position",
    "content1",
    "content2",
]


def run_rank(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from sathach.cli import main; main()", "rank", str(path), *args],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "sathach.settings"},
        check=False,
    )


def example_workbook(document: dict[str, Any], extra: tuple[str, ...] | list[str] = ()) -> bytes:
    """The document as the contract's workbook, with the leaders' `extra` columns too."""
    workbook = Workbook()
    campaign = workbook.active
    assert campaign is not None
    campaign.title = "campaign"
    for key, value in document["campaign"].items():
        campaign.append([key, ",".join(value) if isinstance(value, list) else value])
    leaders = workbook.create_sheet("leaders")
    leaders.append([*COLUMNS, *extra])
    for unit in document["units"]:
        for leader in unit["leaders"]:
            leaders.append(
                [
                    unit["code"],
                    unit["name"],
                    unit.get("facility_score", 0),
                    leader["id"],
                    leader["name"],
                    leader["position"],
                    leader["content1"],
                    leader["content2"],
                    *(leader.get(column) for column in extra),
                ]
            )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class RankCommandTestCase(SimpleTestCase):
    def setUp(self) -> None:
        self.folder = TemporaryDirectory()
        self.addCleanup(self.folder.cleanup)

    def write(self, name: str, content: bytes | str) -> Path:
        path = Path(self.folder.name) / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        return path

    def test_the_contract_example_ranks_to_the_contract_output(self) -> None:
        result = run_rank(DATA / "ranking-input.json", "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(json.loads(result.stdout), OUTPUT)

    def test_the_same_example_in_xlsx_gives_the_same_ranking(self) -> None:
        path = self.write("example.xlsx", example_workbook(INPUT))
        result = run_rank(path, "--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(json.loads(result.stdout), OUTPUT)

    def test_the_readable_table_has_vietnamese_headers(self) -> None:
        result = run_rank(DATA / "ranking-input.json")
        self.assertEqual(result.returncode, 0)
        for text in ("Hạng", "Đơn vị", "Xã Ví Dụ 2", "Hội đồng quyết định", "85.71"):
            self.assertIn(text, result.stdout)

    def test_every_problem_in_a_json_file_is_reported_at_its_path(self) -> None:
        document = json.loads(json.dumps(INPUT))
        document["campaign"]["awards"] = "x"
        document["campaign"]["tie_breakers"] = ["participants", "age"]
        document["campaign"]["pass_target"] = 120
        document["units"][2]["leaders"][0]["content1"] = "pass"
        document["units"][1]["leaders"][1]["id"] = "E01"
        document["units"][3]["facility_score"] = -1
        document["units"][4]["code"] = "U1"
        document["units"][0]["leaders"][0]["position"] = "truong_thon"
        document["units"][0]["name"] = ""
        result = run_rank(self.write("bad.json", json.dumps(document)), "--json")
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stdout, "")
        lines = result.stderr.strip().splitlines()
        for location in (
            "campaign.awards:",
            "campaign.tie_breakers:",
            "campaign.pass_target:",
            "units[2].leaders[0].content1:",
            "units[1].leaders[1].id:",
            "units[3].facility_score:",
            "units[4].code:",
            "units[0].leaders[0].position:",
            "units[0].name:",
        ):
            self.assertTrue(any(line.startswith(location) for line in lines), location)
        self.assertEqual(len(lines), 9)

    def test_structural_problems_are_located(self) -> None:
        cases = {
            '{"units": []}': "units:",
            '{"units": [{"code": "A", "name": "X", "leaders": []}]}': "units[0].leaders:",
            "[1, 2]": "$:",
            "{not json": "$:",
        }
        for content, location in cases.items():
            result = run_rank(self.write("case.json", content))
            self.assertEqual(result.returncode, 2, content)
            self.assertEqual(result.stdout, "")
            self.assertTrue(result.stderr.startswith(location), (content, result.stderr))

    def test_every_problem_in_an_xlsx_file_is_reported_at_its_cell(self) -> None:
        document = json.loads(json.dumps(INPUT))
        document["units"][1]["leaders"][0]["content2"] = "maybe"
        document["campaign"]["awards"] = -1
        path = self.write("bad.xlsx", example_workbook(document))
        result = run_rank(path, "--json")
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stdout, "")
        # Row 4 is the third leader: U2's first (U1 has two leaders on rows 2 and 3).
        self.assertIn("leaders!H4:", result.stderr)
        self.assertIn("campaign!B2:", result.stderr)

    def test_a_unit_whose_rows_disagree_is_reported(self) -> None:
        document = json.loads(json.dumps(INPUT))
        content = example_workbook(document)
        from openpyxl import load_workbook

        workbook = load_workbook(BytesIO(content))
        workbook["leaders"]["B3"] = "Xã Khác"
        buffer = BytesIO()
        workbook.save(buffer)
        result = run_rank(self.write("disagree.xlsx", buffer.getvalue()))
        self.assertEqual(result.returncode, 2)
        self.assertIn("leaders!B3:", result.stderr)

    def test_missing_columns_a_missing_file_and_other_formats_are_bad_input(self) -> None:
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = "leaders"
        sheet.append(["unit_code", "name"])
        buffer = BytesIO()
        workbook.save(buffer)
        for path in (
            self.write("columns.xlsx", buffer.getvalue()),
            Path(self.folder.name) / "missing.json",
            self.write("ranking.txt", "U1"),
            self.write("broken.xlsx", b"PK\x03\x04 not really"),
        ):
            result = run_rank(path, "--json")
            self.assertEqual(result.returncode, 2, path)
            self.assertEqual(result.stdout, "")
            self.assertNotIn("Traceback", result.stderr)
            self.assertTrue(result.stderr.strip())
