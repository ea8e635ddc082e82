"""`sathach rank INPUT [--json]` ranks without loading the installed apps (issue 16,
point 5) and prints exactly what Django's `rank` command prints."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from django.conf import settings
from django.test import SimpleTestCase

from sathach.campaigns.rank_cli import json_text
from sathach.campaigns.tests.test_rank_command import DATA, run_rank

PROBE = """
import atexit, sys
def report():
    loaded = [m for m in ("django.db.models", "django.urls", "openpyxl", "sathach.campaigns.models")
              if m in sys.modules]
    sys.stderr.write("LOADED " + (",".join(loaded) or "nothing") + "\\n")
atexit.register(report)
from sathach.cli import main
main()
"""


class ShortPathTestCase(SimpleTestCase):
    def test_it_prints_what_the_django_command_prints(self) -> None:
        bad = Path(self.enterContext(TemporaryDirectory())) / "bad.json"
        document = json.loads((DATA / "ranking-input.json").read_text())
        document["units"][0]["leaders"][0]["content1"] = "maybe"
        document["campaign"]["awards"] = -1
        bad.write_text(json.dumps(document))
        for args in (
            (DATA / "ranking-input.json", "--json"),
            (DATA / "ranking-input.json",),
            (bad, "--json"),
        ):
            with self.subTest(args=args):
                short = run_rank(*args)
                # --traceback is not the short path's: Django's command runs instead.
                full = run_rank(*args, "--traceback")
                self.assertEqual(
                    (short.returncode, short.stdout, short.stderr),
                    (full.returncode, full.stdout, full.stderr),
                )
                self.assertTrue(short.stdout or short.stderr)

    def test_it_loads_no_installed_app_the_orm_or_openpyxl(self) -> None:
        def probe(*args: str) -> str:
            result = subprocess.run(
                [sys.executable, "-c", PROBE, "rank", str(DATA / "ranking-input.json"), *args],
                capture_output=True,
                text=True,
                cwd=settings.BASE_DIR,
                env={**os.environ, "DJANGO_SETTINGS_MODULE": "sathach.settings"},
                check=False,
            )
            self.assertEqual(result.returncode, 0, result.stderr)
            return result.stderr.strip().splitlines()[-1]

        self.assertEqual(probe("--json"), "LOADED nothing")
        self.assertIn("sathach.campaigns.models", probe("--json", "--traceback"))

    def test_its_json_is_the_standard_librarys_byte_for_byte(self) -> None:
        values: list[Any] = [
            {},
            [],
            {"a": [], "b": {}, "c": [1, [2, {"d": None}]], "e": True, "f": False},
            {'Xã "Đại" Ân\n1\t\\ \u0007 \u2028': ["", "ư", -3, 0, 10**20]},
            "chuỗi",
            None,
            7,
        ]
        for value in values:
            with self.subTest(value=value):
                self.assertEqual(json_text(value), json.dumps(value, ensure_ascii=False, indent=1))
        with self.assertRaises(TypeError):
            json_text(1.5)
