"""The validator behind `sathach verify`: valid documents, every attack we can build or
fetch, and the exact shape of the verdict."""

from __future__ import annotations

import asyncio
import datetime
import functools
import hashlib
import io
import os
import random
import tempfile
import unittest
from pathlib import Path
from shutil import which
from typing import Any

from django.test import SimpleTestCase, TestCase, override_settings
from PIL import Image

from sathach.signatures import signing
from sathach.signatures.pictures import render_signature_page
from sathach.signatures.tests import documents, pdfs
from sathach.signatures.tests.pki import DAY, NOW, exam_pki
from sathach.signatures.trust import installed_trust_roots
from sathach.signatures.validation import (
    MalformedPdf,
    Verdict,
    read_signer_certificates,
    validate_pdf,
)

SAMPLES = Path(__file__).parent / "samples"
# RUB-NDS/pdf-attacker has no licence, so its shadow-attack files are not copied here:
# point this variable at a checkout's shadow-demo-exploits folder to run them.
SHADOW_SAMPLES = os.environ.get("SATHACH_SHADOW_ATTACK_SAMPLES", "")


@functools.cache
def draft() -> bytes:
    return pdfs.draft_pdf(with_text_field=True)


@functools.cache
def leader_signed() -> bytes:
    """Leader A's visible signature on the draft, with a time-stamp."""
    return pdfs.sign(draft(), exam_pki().leader_a, timestamp=True)


@functools.cache
def sealed() -> bytes:
    """The leader's signature and, as a later update, the organisation's."""
    return pdfs.sign(
        leader_signed(), exam_pki().organization, field="ChuKyCoQuan", box=pdfs.SEAL_BOX
    )


def judge(data: bytes, **options: Any) -> Verdict:
    options.setdefault("trust_roots", [exam_pki().root.der])
    return validate_pdf(data, **options)


class ValidDocumentsTest(SimpleTestCase):
    def test_the_leaders_signature_alone_is_valid_and_described_exactly(self) -> None:
        pki = exam_pki()
        verdict = judge(leader_signed(), signer=pki.leader_a.der, require_visible=True)
        self.assertEqual((verdict.valid, verdict.reasons), (True, []))
        (signature,) = verdict.as_json("draft-signed.pdf")["signatures"]
        certificate = pki.leader_a.certificate
        self.assertEqual(
            signature,
            {
                "field": "ChuKyLanhDao",
                "signer_subject": "CN=Nguyễn Văn An,title=Chủ tịch,O=UBND xã An Thạnh 1,C=VN",
                "signer_serial": format(certificate.serial_number, "x"),
                "signer_sha256": hashlib.sha256(pki.leader_a.der).hexdigest(),
                "issuer_subject": "CN=CA kiểm tra kỹ năng,O=Ban Chỉ đạo kiểm tra kỹ năng,C=VN",
                "signing_time": signature["signing_time"],
                "intact": True,
                "trusted": True,
                "cert_valid": True,
                "modification": "none",
                "visible": True,
                "page": 1,
                "rect": [340.0, 120.0, 520.0, 190.0],
            },
        )
        self.assertEqual(signature["signer_serial"], signature["signer_serial"].lower())
        signed_at = datetime.datetime.fromisoformat(signature["signing_time"])
        self.assertEqual(signed_at.utcoffset(), datetime.timedelta(hours=7))
        self.assertLess(
            abs(signed_at - datetime.datetime.now(datetime.UTC)), datetime.timedelta(minutes=10)
        )

    def test_the_organisations_later_signature_leaves_the_leaders_valid(self) -> None:
        verdict = judge(sealed(), signer=exam_pki().leader_a.pem, require_visible=True)
        self.assertEqual((verdict.valid, verdict.reasons), (True, []))
        leader, organisation = verdict.signatures
        self.assertEqual((leader.field, leader.modification), ("ChuKyLanhDao", "signatures"))
        self.assertEqual((organisation.field, organisation.modification), ("ChuKyCoQuan", "none"))
        self.assertIn("Ủy ban nhân dân xã An Thạnh 1", organisation.signer_subject)

    def test_a_document_time_stamp_after_the_signatures_is_allowed(self) -> None:
        verdict = judge(pdfs.add_document_timestamp(sealed()))
        self.assertTrue(verdict.valid, verdict.reasons)
        self.assertEqual(
            [s.modification for s in verdict.signatures], ["signatures"] * 2 + ["none"]
        )

    def test_the_signing_time_is_the_time_stamps_when_there_is_one(self) -> None:
        stamped_at = (NOW - 2 * DAY).replace(hour=1, minute=30, second=15)
        data = pdfs.sign(draft(), exam_pki().leader_a, timestamp=True, timestamp_time=stamped_at)
        (signature,) = judge(data).as_json("x.pdf")["signatures"]
        self.assertEqual(signature["signing_time"], f"{stamped_at.date()}T08:30:15+07:00")

    def test_without_a_time_stamp_the_signing_time_is_the_signers_clock(self) -> None:
        before = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
        data = pdfs.sign(draft(), exam_pki().leader_b)
        (signature,) = judge(data).signatures
        assert signature.signing_time is not None
        self.assertGreaterEqual(signature.signing_time, before - datetime.timedelta(seconds=1))

    def test_an_invisible_signature_is_valid_when_visibility_is_not_required(self) -> None:
        verdict = judge(pdfs.sign(draft(), exam_pki().leader_b, box=None))
        self.assertTrue(verdict.valid)
        (signature,) = verdict.as_json("x.pdf")["signatures"]
        self.assertEqual(
            (signature["visible"], signature["page"], signature["rect"]), (False, None, None)
        )

    def test_a_signature_on_the_second_page_is_reported_on_page_2(self) -> None:
        data = pdfs.sign(pdfs.draft_pdf(pages=2), exam_pki().leader_b, page=1)
        (signature,) = judge(data, require_visible=True).signatures
        self.assertEqual((signature.page, signature.rect), (2, [340.0, 120.0, 520.0, 190.0]))

    def test_certificates_are_judged_at_the_time_asked(self) -> None:
        data = pdfs.sign(draft(), exam_pki().expired)
        self.assertEqual(judge(data).reasons, ["CERT_EXPIRED"])
        self.assertEqual(judge(data, at=NOW - 2 * 365 * DAY).reasons, [])
        leader = pdfs.sign(draft(), exam_pki().leader_a)
        self.assertEqual(judge(leader, at=NOW + 3 * 365 * DAY).reasons, ["CERT_EXPIRED"])

    def test_the_platforms_own_leader_and_seal_signatures_are_valid(self) -> None:
        pki = exam_pki()
        chain = [pki.exam_ca.der, pki.root.der]
        stamper = signing.time_stamper(pki.tsa.der, pki.tsa.key)
        signed = signing.sign_leader(
            documents.draft_pdf(),
            identity=signing.SigningIdentity(pki.leader_a.der, pki.leader_a.key, chain),
            stamper=stamper,
            box=documents.SIGNER_BOX,
            image_png=signing.signature_image("Nguyễn Văn An"),
        )
        data = signing.sign_organization(
            signed,
            identity=signing.SigningIdentity(pki.organization.der, pki.organization.key, chain),
            stamper=stamper,
            leader_box=documents.SIGNER_BOX,
            page=0,
            organization="Ủy ban nhân dân xã An Thạnh 1",
        )
        verdict = judge(data, signer=pki.leader_a.der, require_visible=True)
        self.assertEqual((verdict.valid, verdict.reasons), (True, []))
        self.assertEqual([s.modification for s in verdict.signatures], ["signatures", "none"])

    def test_it_also_works_where_an_event_loop_is_already_running(self) -> None:
        async def inside_a_loop() -> Verdict:
            return judge(leader_signed())

        self.assertTrue(asyncio.run(inside_a_loop()).valid)

    def test_trust_roots_may_be_given_as_pem_der_or_certificate_objects(self) -> None:
        root = exam_pki().root
        for form in (root.der, root.pem, root.certificate):
            self.assertTrue(judge(leader_signed(), trust_roots=[form]).valid)


class AttacksTest(SimpleTestCase):
    def assertRejected(self, data: bytes, reasons: list[str], **options: Any) -> Verdict:
        verdict = judge(data, **options)
        self.assertFalse(verdict.valid)
        self.assertEqual(verdict.reasons, reasons)
        return verdict

    def test_a_byte_changed_in_the_signed_range_breaks_the_signature(self) -> None:
        verdict = self.assertRejected(
            pdfs.change_signed_byte(leader_signed()), ["BROKEN_SIGNATURE"]
        )
        self.assertEqual(
            [(s.intact, s.trusted, s.cert_valid) for s in verdict.signatures],
            [(False, True, True)],
        )

    def test_a_byte_changed_in_the_cms_breaks_the_signature(self) -> None:
        data = pdfs.change_cms_byte(pdfs.sign(draft(), exam_pki().leader_a))
        self.assertRejected(data, ["BROKEN_SIGNATURE"])

    def test_a_signature_over_a_sha1_digest_is_broken(self) -> None:
        data = pdfs.sign(draft(), exam_pki().leader_a, md_algorithm="sha1")
        self.assertRejected(data, ["BROKEN_SIGNATURE"])

    def test_page_content_overlaid_after_signing_is_a_modification(self) -> None:
        verdict = self.assertRejected(
            pdfs.overlay_page_content(leader_signed()), ["MODIFIED_AFTER_SIGNING"]
        )
        self.assertEqual(verdict.signatures[0].modification, "other")
        self.assertTrue(verdict.signatures[0].intact)

    def test_page_contents_replaced_after_signing_is_a_modification(self) -> None:
        verdict = self.assertRejected(
            pdfs.replace_page_contents(leader_signed()), ["MODIFIED_AFTER_SIGNING"]
        )
        self.assertEqual(verdict.signatures[0].modification, "other")

    def test_an_annotation_added_after_signing_is_a_modification(self) -> None:
        verdict = self.assertRejected(
            pdfs.add_annotation(leader_signed()), ["MODIFIED_AFTER_SIGNING"]
        )
        self.assertEqual(verdict.signatures[0].modification, "annotations")

    def test_a_form_field_filled_after_signing_is_a_modification(self) -> None:
        verdict = self.assertRejected(
            pdfs.fill_text_field(leader_signed()), ["MODIFIED_AFTER_SIGNING"]
        )
        self.assertEqual(verdict.signatures[0].modification, "form_filling")

    def test_a_later_signature_does_not_excuse_a_field_filled_before_it(self) -> None:
        data = pdfs.sign(
            pdfs.fill_text_field(leader_signed()),
            exam_pki().organization,
            field="ChuKyCoQuan",
            box=pdfs.SEAL_BOX,
        )
        verdict = self.assertRejected(data, ["MODIFIED_AFTER_SIGNING"])
        self.assertEqual([s.modification for s in verdict.signatures], ["form_filling", "none"])

    def test_an_empty_signature_field_added_after_signing_is_a_modification(self) -> None:
        verdict = self.assertRejected(
            pdfs.add_empty_signature_field(leader_signed()), ["MODIFIED_AFTER_SIGNING"]
        )
        self.assertEqual(verdict.signatures[0].modification, "form_filling")

    def test_another_leaders_signature_is_the_wrong_signer(self) -> None:
        pki = exam_pki()
        data = pdfs.sign(draft(), pki.leader_b)
        self.assertRejected(data, ["WRONG_SIGNER"], signer=pki.leader_a.der)
        self.assertTrue(judge(data, signer=pki.leader_b.pem).valid)

    def test_the_organisation_signing_first_is_the_wrong_signer(self) -> None:
        pki = exam_pki()
        data = pdfs.sign(draft(), pki.organization)
        data = pdfs.sign(data, pki.leader_a, field="ChuKyLanhDao2", box=pdfs.SEAL_BOX)
        self.assertRejected(data, ["WRONG_SIGNER"], signer=pki.leader_a.der)

    def test_an_expired_certificate_is_not_valid_but_still_trusted(self) -> None:
        verdict = self.assertRejected(pdfs.sign(draft(), exam_pki().expired), ["CERT_EXPIRED"])
        self.assertEqual([(s.trusted, s.cert_valid) for s in verdict.signatures], [(True, False)])

    def test_a_certificate_not_yet_valid_is_rejected(self) -> None:
        self.assertRejected(pdfs.sign(draft(), exam_pki().not_yet_valid), ["CERT_NOT_YET_VALID"])

    def test_a_certificate_without_a_signing_key_usage_is_rejected(self) -> None:
        verdict = self.assertRejected(
            pdfs.sign(draft(), exam_pki().no_signing_usage), ["KEY_USAGE"]
        )
        self.assertFalse(verdict.signatures[0].cert_valid)

    def test_a_rogue_root_with_our_roots_name_is_not_trusted(self) -> None:
        pki = exam_pki()
        data = pdfs.sign(draft(), pki.rogue_leader, chain=(pki.rogue_ca, pki.rogue_root))
        verdict = self.assertRejected(data, ["UNTRUSTED"])
        self.assertEqual(verdict.signatures[0].signer_subject.split(",")[0], "CN=Nguyễn Văn An")

    def test_a_revoked_certificate_is_untrusted_when_the_crl_is_given(self) -> None:
        pki = exam_pki()
        data = pdfs.sign(draft(), pki.revoked)
        self.assertTrue(judge(data).valid)
        self.assertRejected(data, ["UNTRUSTED"], crls=[pki.crl(pki.revoked)])
        self.assertRejected(data, ["UNTRUSTED"], crls=[pki.crl(pki.revoked, stale=True)])
        self.assertTrue(judge(data, crls=[pki.crl()]).valid)

    def test_a_crl_counts_even_for_a_certificate_without_a_distribution_point(self) -> None:
        pki = exam_pki()
        revoked = pki.revoked_without_distribution_point
        data = pdfs.sign(draft(), revoked)
        self.assertRejected(data, ["UNTRUSTED"], crls=[pki.crl(revoked)])

    def test_a_crl_signed_by_a_rogue_ca_with_the_same_name_revokes_nothing(self) -> None:
        pki = exam_pki()
        unlisted = pki.revoked_without_distribution_point
        data = pdfs.sign(draft(), unlisted)
        self.assertTrue(judge(data, crls=[pki.crl(unlisted, issuer=pki.rogue_ca)]).valid)
        # Where pyHanko does read the CRL, one it cannot verify leaves the status unknown.
        forged = pki.crl(pki.leader_a, issuer=pki.rogue_ca)
        self.assertEqual(judge(leader_signed(), crls=[forged]).reasons, ["UNTRUSTED"])

    def test_an_untrusted_later_signature_makes_the_document_invalid(self) -> None:
        pki = exam_pki()
        data = pdfs.sign(
            leader_signed(), pki.rogue_leader, chain=(pki.rogue_ca,), field="X", box=pdfs.SEAL_BOX
        )
        verdict = self.assertRejected(data, ["UNTRUSTED"])
        self.assertEqual([s.trusted for s in verdict.signatures], [True, False])

    def test_an_invisible_signature_fails_when_visibility_is_required(self) -> None:
        data = pdfs.sign(draft(), exam_pki().leader_a, box=None)
        self.assertRejected(data, ["NOT_VISIBLE"], require_visible=True)

    def test_a_hidden_or_off_page_widget_is_not_visible(self) -> None:
        leader = exam_pki().leader_a
        hidden = pdfs.sign(pdfs.with_hidden_signature_field(draft()), leader, existing_field=True)
        off_page = pdfs.sign(draft(), leader, box=(700, 900, 800, 950))
        for data in (hidden, off_page):
            verdict = self.assertRejected(data, ["NOT_VISIBLE"], require_visible=True)
            self.assertEqual(
                [(s.visible, s.page, s.rect) for s in verdict.signatures], [(False, None, None)]
            )

    def test_a_truncated_pdf_is_malformed(self) -> None:
        verdict = self.assertRejected(
            leader_signed()[: len(leader_signed()) // 2], ["MALFORMED_PDF"]
        )
        self.assertEqual(verdict.signatures, [])

    def test_a_file_that_is_not_a_pdf_is_malformed(self) -> None:
        for data in (b"", b"hello", b"%PDF-1.7\n%%EOF\n", b"\x00" * 1000, "Văn bản".encode()):
            with self.subTest(data=data[:10]):
                self.assertRejected(data, ["MALFORMED_PDF"])

    def test_an_unsigned_pdf_has_no_signature(self) -> None:
        self.assertRejected(draft(), ["NO_SIGNATURE"])

    def test_reasons_are_each_given_once_in_the_contracts_order(self) -> None:
        pki = exam_pki()
        data = pdfs.sign(draft(), pki.expired, box=None)
        data = pdfs.sign(data, pki.not_yet_valid, field="B", box=None)
        data = pdfs.overlay_page_content(pdfs.sign(data, pki.no_signing_usage, field="C"))
        self.assertRejected(
            data,
            [
                "CERT_EXPIRED",
                "CERT_NOT_YET_VALID",
                "KEY_USAGE",
                "MODIFIED_AFTER_SIGNING",
                "WRONG_SIGNER",
                "NOT_VISIBLE",
            ],
            signer=pki.leader_a.der,
            require_visible=True,
        )

    def test_corrupting_any_byte_never_crashes_and_never_passes_outside_the_padding(self) -> None:
        data = pdfs.sign(draft(), exam_pki().leader_b)
        contents = data.index(b"/Contents <") + len(b"/Contents <")
        padding_end = data.index(b">", contents)
        rng = random.Random(20200727)
        for position in rng.sample(range(len(data)), 150):
            changed = bytearray(data)
            changed[position] ^= 0x55
            verdict = judge(bytes(changed))
            if verdict.valid:
                # Only the zero padding after the CMS is unsigned and meaningless.
                self.assertTrue(contents < position < padding_end, position)
        for length in rng.sample(range(len(data) - 10), 30):
            self.assertFalse(judge(data[:length]).valid)


class PublishedAttackSamplesTest(SimpleTestCase):
    """pyHanko's regression files (samples/pyhanko/README.md), judged with their own signer
    certificates trusted so that only integrity and modifications decide."""

    def judge_sample(self, name: str) -> Verdict:
        data = (SAMPLES / "pyhanko" / name).read_bytes()
        at = datetime.datetime(2021, 1, 1, tzinfo=datetime.UTC)
        return validate_pdf(data, trust_roots=read_signer_certificates(data), at=at)

    def test_byte_range_anomalies_are_broken_signatures(self) -> None:
        for name in (
            "one-byterange.pdf",
            "signature-gap-too-big.pdf",
            "tail-uncovered.pdf",
            "weird-byterange.pdf",
        ):
            with self.subTest(name):
                verdict = self.judge_sample(name)
                self.assertIn("BROKEN_SIGNATURE", verdict.reasons)
                self.assertEqual(
                    [(s.intact, s.modification) for s in verdict.signatures], [(False, "other")]
                )

    def test_sneaky_form_updates_are_modifications(self) -> None:
        for name in (
            "form-update-override-appearance-stream-sneaky.pdf",
            "form-update-override-appearance-stream-ap-indirect-sneaky.pdf",
            "form-update-no-override-appearance-stream-ap-indirect-sneaky.pdf",
            "form-update-ap-indirect-sneaky-trailer.pdf",
        ):
            with self.subTest(name):
                verdict = self.judge_sample(name)
                self.assertIn("MODIFIED_AFTER_SIGNING", verdict.reasons)
                self.assertEqual(verdict.signatures[0].modification, "other")

    def test_a_legitimate_second_signature_reusing_an_object_is_not_flagged(self) -> None:
        verdict = self.judge_sample("form-update-override-appearance-stream.pdf")
        self.assertEqual(verdict.signatures[0].modification, "signatures")
        self.assertNotIn("MODIFIED_AFTER_SIGNING", verdict.reasons)

    @unittest.skipUnless(SHADOW_SAMPLES, "set SATHACH_SHADOW_ATTACK_SAMPLES to run")
    def test_shadow_attacks_are_rejected(self) -> None:
        manipulated = sorted(Path(SHADOW_SAMPLES).rglob("*manipulated*.pdf"))
        self.assertTrue(manipulated)
        for path in manipulated:
            with self.subTest(path.name):
                data = path.read_bytes()
                try:
                    roots = read_signer_certificates(data)
                except MalformedPdf:
                    roots = []
                verdict = validate_pdf(data, trust_roots=roots)
                self.assertFalse(verdict.valid)
                self.assertTrue({"MODIFIED_AFTER_SIGNING", "MALFORMED_PDF"} & set(verdict.reasons))


class SignerCertificatesTest(SimpleTestCase):
    def test_it_reads_each_signers_certificate_in_file_order(self) -> None:
        pki = exam_pki()
        self.assertEqual(
            read_signer_certificates(sealed()), [pki.leader_a.der, pki.organization.der]
        )
        self.assertEqual(read_signer_certificates(draft()), [])

    def test_it_refuses_a_file_that_is_not_a_pdf(self) -> None:
        with self.assertRaises(MalformedPdf):
            read_signer_certificates(b"not a pdf")


@unittest.skipUnless(which("pdftoppm"), "poppler-utils is not installed")
class RenderTest(SimpleTestCase):
    def test_it_draws_the_page_with_the_signature_outlined(self) -> None:
        png = render_signature_page(sealed(), 0)
        assert png is not None
        image = Image.open(io.BytesIO(png)).convert("RGB")
        # A4 at 80 dpi.
        self.assertEqual(image.size, (662, 936))
        scale = 80 / 72
        x1, _y1, x2, y2 = pdfs.LEADER_BOX
        left, top, right = int(x1 * scale), int((841.8898 - y2) * scale), int(x2 * scale)
        for corner in ((left, top), (right, top), (left + 50, top), (right, top + 50)):
            self.assertEqual(image.getpixel(corner), (220, 0, 0), corner)
        self.assertNotEqual(image.getpixel((left - 30, top - 30)), (220, 0, 0))

    def test_it_gives_nothing_for_an_invisible_signature_or_a_bad_file(self) -> None:
        self.assertIsNone(render_signature_page(pdfs.sign(draft(), exam_pki().leader_b, box=None)))
        self.assertIsNone(render_signature_page(b"garbage"))
        self.assertIsNone(render_signature_page(leader_signed(), 5))


class InstalledTrustRootsTest(TestCase):
    def test_it_reads_every_certificate_file_of_the_trust_folder(self) -> None:
        pki = exam_pki()
        with tempfile.TemporaryDirectory() as folder:
            trust = Path(folder) / "trust"
            trust.mkdir()
            (trust / "root.pem").write_bytes(pki.root.pem)
            (trust / "other.CER").write_bytes(pki.rogue_root.der)
            (trust / "notes.txt").write_bytes(pki.tsa.pem)
            (trust / "broken.crt").write_bytes(b"not a certificate")
            with override_settings(VAR_DIR=Path(folder)), self.assertLogs(level="WARNING"):
                roots = installed_trust_roots()
        self.assertEqual(sorted(roots), sorted([pki.root.der, pki.rogue_root.der]))

    def test_the_exam_root_and_the_admins_roots_are_trusted(self) -> None:
        from sathach.signatures.models import Authority
        from sathach.signatures.services import pki_init, trust_anchor_add

        pki_init(actor=None, organization="UBND huyện Cù Lao Dung")
        national = exam_pki().root
        trust_anchor_add(actor=None, data=national.der, name="Gốc quốc gia")
        with tempfile.TemporaryDirectory() as folder, override_settings(VAR_DIR=Path(folder)):
            roots = installed_trust_roots()
        exam_root = bytes(Authority.objects.get(kind="root").certificate)
        self.assertEqual(roots, [exam_root, national.der])

    def test_a_missing_folder_trusts_nothing_and_creates_nothing(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            with override_settings(VAR_DIR=Path(folder)):
                self.assertEqual(installed_trust_roots(), [])
            self.assertEqual(list(Path(folder).iterdir()), [])
