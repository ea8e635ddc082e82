"""`sathach verify` exactly as contracts/verify.md says: exit statuses, the JSON document,
the readable verdict, and never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from io import StringIO
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase
from django.utils.translation import gettext as _

from sathach.signatures.tests import pdfs
from sathach.signatures.tests.pki import exam_pki
from sathach.signatures.validation import MODIFICATION_LABELS, REASON_MESSAGES

SIGNATURE_KEYS = [
    "field",
    "signer_subject",
    "signer_serial",
    "signer_sha256",
    "issuer_subject",
    "signing_time",
    "intact",
    "trusted",
    "cert_valid",
    "modification",
    "visible",
    "page",
    "rect",
]


def run_verify(*args: str, var_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sathach.settings"}
    if var_dir is not None:
        env["SATHACH_VAR_DIR"] = str(var_dir)
    return subprocess.run(
        [sys.executable, "-c", "from sathach.cli import main; main()", "verify", *args],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        env=env,
        check=False,
    )


class VerifyCommandTest(TestCase):
    folder: Path
    _temporary: tempfile.TemporaryDirectory[str]

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls._temporary = tempfile.TemporaryDirectory()
        cls.folder = Path(cls._temporary.name)
        pki = exam_pki()
        signed = pdfs.sign(pdfs.draft_pdf(), pki.leader_a, timestamp=True)
        files = {
            "signed.pdf": signed,
            "sealed.pdf": pdfs.sign(
                signed, pki.organization, field="ChuKyCoQuan", box=pdfs.SEAL_BOX
            ),
            "overlaid.pdf": pdfs.overlay_page_content(signed),
            "invisible.pdf": pdfs.sign(pdfs.draft_pdf(), pki.leader_a, box=None),
            "unsigned.pdf": pdfs.draft_pdf(),
            "not-a-pdf.pdf": "Đây không phải tệp PDF".encode(),
            "root.pem": pki.root.pem,
            "leader-a.der": pki.leader_a.der,
            "leader-b.pem": pki.leader_b.pem,
        }
        for name, content in files.items():
            (cls.folder / name).write_bytes(content)

    @classmethod
    def tearDownClass(cls) -> None:
        cls._temporary.cleanup()
        super().tearDownClass()

    def path(self, name: str) -> str:
        return str(self.folder / name)

    def trusted(self, name: str, *args: str) -> subprocess.CompletedProcess[str]:
        return run_verify(self.path(name), "--trust", self.path("root.pem"), *args)

    def assertNoTraceback(self, result: subprocess.CompletedProcess[str]) -> None:
        self.assertNotIn("Traceback", result.stderr + result.stdout)

    def assertCannotJudge(self, result: subprocess.CompletedProcess[str]) -> None:
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)
        self.assertNoTraceback(result)

    def verdict(self, result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
        document = json.loads(result.stdout)  # exactly one JSON document, nothing else
        self.assertIsInstance(document, dict)
        return document

    def test_a_valid_document_exits_0_with_the_contracts_json(self) -> None:
        result = self.trusted("sealed.pdf", "--json", "--signer", self.path("leader-a.der"))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertNoTraceback(result)
        document = self.verdict(result)
        self.assertEqual(list(document), ["file", "valid", "reasons", "signatures"])
        self.assertEqual(
            (document["file"], document["valid"], document["reasons"]), ("sealed.pdf", True, [])
        )
        self.assertEqual([list(s) for s in document["signatures"]], [SIGNATURE_KEYS] * 2)
        leader = document["signatures"][0]
        self.assertEqual(leader["field"], "ChuKyLanhDao")
        self.assertTrue(leader["signer_subject"].startswith("CN=Nguyễn Văn An,"))
        self.assertEqual(leader["modification"], "signatures")
        self.assertEqual(leader["rect"], [340.0, 120.0, 520.0, 190.0])
        self.assertRegex(leader["signing_time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$")
        self.assertRegex(leader["signer_sha256"], r"^[0-9a-f]{64}$")

    def test_a_modified_document_exits_1_with_its_reason(self) -> None:
        result = self.trusted("overlaid.pdf", "--json")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertNoTraceback(result)
        document = self.verdict(result)
        self.assertEqual(
            (document["valid"], document["reasons"]), (False, ["MODIFIED_AFTER_SIGNING"])
        )
        self.assertEqual(document["signatures"][0]["modification"], "other")

    def test_the_options_reach_the_verdict(self) -> None:
        wrong = self.trusted("signed.pdf", "--json", "--signer", self.path("leader-b.pem"))
        self.assertEqual((wrong.returncode, self.verdict(wrong)["reasons"]), (1, ["WRONG_SIGNER"]))
        hidden = self.trusted("invisible.pdf", "--json", "--require-visible")
        self.assertEqual((hidden.returncode, self.verdict(hidden)["reasons"]), (1, ["NOT_VISIBLE"]))
        later = self.trusted("signed.pdf", "--json", "--at", "2031-01-01T00:00:00+07:00")
        self.assertEqual((later.returncode, self.verdict(later)["reasons"]), (1, ["CERT_EXPIRED"]))

    def test_a_file_that_is_not_a_pdf_is_judged_malformed_not_a_crash(self) -> None:
        for name in ("not-a-pdf.pdf", "root.pem"):
            with self.subTest(name):
                result = self.trusted(name, "--json")
                self.assertEqual(result.returncode, 1, result.stderr)
                self.assertNoTraceback(result)
                document = self.verdict(result)
                self.assertEqual(
                    (document["reasons"], document["signatures"]), (["MALFORMED_PDF"], [])
                )
        unsigned = self.trusted("unsigned.pdf")
        self.assertEqual(unsigned.returncode, 1)
        self.assertIn("NO_SIGNATURE", unsigned.stdout)

    def test_what_cannot_be_judged_exits_2_with_one_line_on_stderr(self) -> None:
        cases = {
            "missing file": (self.path("missing.pdf"), "--trust", self.path("root.pem")),
            "folder": (str(self.folder), "--trust", self.path("root.pem")),
            "missing trust": (self.path("signed.pdf"), "--trust", self.path("missing.pem")),
            "trust not a certificate": (self.path("signed.pdf"), "--trust", self.path("signed.pdf")),
            "signer not a certificate": (
                self.path("signed.pdf"), "--trust", self.path("root.pem"),
                "--signer", self.path("unsigned.pdf"),
            ),
            "bad time": (self.path("signed.pdf"), "--trust", self.path("root.pem"), "--at", "hôm qua"),
            "no file": ("--json",),
            "unknown option": (self.path("signed.pdf"), "--strict"),
        }  # fmt: skip
        for case, arguments in cases.items():
            with self.subTest(case):
                self.assertCannotJudge(run_verify(*arguments))

    def test_without_trust_it_uses_the_installed_trust_store(self) -> None:
        with tempfile.TemporaryDirectory() as var_dir:
            empty = run_verify(self.path("signed.pdf"), "--json", var_dir=Path(var_dir))
            self.assertEqual(empty.returncode, 1)
            self.assertEqual(self.verdict(empty)["reasons"], ["UNTRUSTED"])
            (Path(var_dir) / "trust").mkdir()
            (Path(var_dir) / "trust" / "exam-root.crt").write_bytes(exam_pki().root.pem)
            result = run_verify(self.path("signed.pdf"), "--json", var_dir=Path(var_dir))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.verdict(result)["valid"], True)

    def test_the_readable_verdict_names_the_reasons_and_each_signature(self) -> None:
        result = self.trusted("overlaid.pdf")
        self.assertEqual(result.returncode, 1)
        self.assertNoTraceback(result)
        with self.assertRaises(ValueError):
            json.loads(result.stdout)
        self.assertIn("overlaid.pdf", result.stdout)
        self.assertIn("MODIFIED_AFTER_SIGNING", result.stdout)
        self.assertIn("Nguyễn Văn An", result.stdout)

    def call(self, *args: str) -> tuple[int, str]:
        """The command in this process: (exit status, stdout)."""
        out = StringIO()
        try:
            call_command("verify", *args, stdout=out, stderr=StringIO())
        except SystemExit as exit_:
            return int(exit_.code or 0), out.getvalue()
        return 0, out.getvalue()

    def test_the_readable_verdict_is_in_the_translated_words(self) -> None:
        status, text = self.call(self.path("overlaid.pdf"), "--trust", self.path("root.pem"))
        self.assertEqual(status, 1)
        self.assertIn(_("Verdict: NOT VALID"), text)
        self.assertIn(str(REASON_MESSAGES["MODIFIED_AFTER_SIGNING"]), text)
        self.assertIn(str(MODIFICATION_LABELS["other"]), text)
        title = _("Signature %(number)s: field %(field)s") % {"number": 1, "field": "ChuKyLanhDao"}
        self.assertIn(title, text)
        status, text = self.call(self.path("sealed.pdf"), "--trust", self.path("root.pem"))
        self.assertEqual(status, 0)
        self.assertIn(_("Verdict: VALID"), text)
        self.assertIn(str(MODIFICATION_LABELS["signatures"]), text)
        place = _("page %(page)s, rectangle [%(rect)s]") % {"page": 1, "rect": "340, 120, 520, 190"}
        self.assertIn(place, text)

    def test_in_process_errors_carry_exit_status_2(self) -> None:
        with self.assertRaises(CommandError) as raised:
            call_command("verify", self.path("missing.pdf"), stdout=StringIO())
        self.assertEqual(raised.exception.returncode, 2)
