"""`sathach bench signing`: how long signing and validating one document take here.

Everything runs in this process with the production code (signing.py, validation.py) on a
throw-away PKI made in memory (root, issuing CA, time-stamping authority, a leader's EC and
RSA certificates, an organisation's certificate), without the database: the figures are
those of the cryptography and the PDF work, not of the storage around them. Each operation
runs twice to warm up, then `rounds` times; the report gives the median and the 95th
percentile in milliseconds.
"""

from __future__ import annotations

import functools
import io
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from sathach.signatures import pki
from sathach.signatures.sandbox import Limits, run_bounded
from sathach.signatures.signing import (
    SigningIdentity,
    sign_leader,
    sign_organization,
    signature_image,
    stamp_font_file,
    time_stamper,
)
from sathach.signatures.validation import validate_pdf

ORGANIZATION = "Ủy ban nhân dân huyện Cù Lao Dung"
SIGNER_BOX = (340.0, 170.0, 500.0, 240.0)
WARM_UP = 2
PIN = "250720"
# The web pages' default limits (settings.PDF_CHECK_MEMORY_MB, PDF_CHECK_SECONDS).
LIMITS = Limits(memory_bytes=1024 * 2**20, seconds=20)


def one_page_draft() -> bytes:
    """A one-page outgoing draft in Liberation Serif with the signer's place."""
    if "BenchSerif" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("BenchSerif", stamp_font_file()))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setFont("BenchSerif", 13)
    page.drawString(72, 760, "ỦY BAN NHÂN DÂN XÃ ĐẠI ÂN 1")
    page.drawString(72, 700, "BÁO CÁO Kết quả thực hiện cải cách hành chính năm 2020")
    for line in range(12):
        page.drawString(72, 660 - 18 * line, f"Nội dung báo cáo, dòng {line + 1}: …")
    page.drawCentredString(420, 250, "CHỦ TỊCH")
    page.drawCentredString(420, 150, "Trần Thị Ngân")
    page.showPage()
    page.save()
    return buffer.getvalue()


@dataclass(frozen=True)
class Timing:
    median_ms: float
    p95_ms: float

    def as_json(self) -> dict[str, float]:
        return {"median": self.median_ms, "p95": self.p95_ms}


def measure(operation: Callable[[], Any], rounds: int) -> Timing:
    for _ in range(WARM_UP):
        operation()
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        operation()
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return Timing(round(statistics.median(times), 1), round(p95, 1))


def signing_bench(rounds: int = 30) -> dict[str, Any]:
    """Median and 95th percentile (ms) of each operation on a one-page document."""
    root = pki.make_root(ORGANIZATION)
    issuing = pki.make_issuing_ca(root, ORGANIZATION)
    tsa = pki.make_tsa(root, ORGANIZATION)
    chain = [issuing.der, root.der]
    stamper = time_stamper(tsa.der, tsa.key)
    identities = {}
    for kind in ("ec", "rsa"):
        leader = pki.make_leader_certificate(
            issuing, full_name="Trần Thị Ngân", title="Chủ tịch", unit="Xã Đại Ân 1", key_type=kind
        )
        identities[kind] = (leader, SigningIdentity(leader.der, leader.key, chain))
    organization = pki.make_leader_certificate(
        issuing, full_name=ORGANIZATION, title="", unit=ORGANIZATION, key_type="rsa"
    )
    seal = SigningIdentity(organization.der, organization.key, chain)
    draft = one_page_draft()
    picture = signature_image("Trần Thị Ngân")
    sealed_token = pki.key_seal(identities["ec"][0].key, PIN)

    def leader_signed(kind: str) -> bytes:
        return sign_leader(
            draft,
            identity=identities[kind][1],
            stamper=stamper,
            box=SIGNER_BOX,
            image_png=picture,
        )

    def sealed(document: bytes) -> bytes:
        return sign_organization(
            document,
            identity=seal,
            stamper=stamper,
            leader_box=SIGNER_BOX,
            page=0,
            organization=ORGANIZATION,
        )

    signed = leader_signed("ec")
    both = sealed(signed)
    for document in (signed, both):
        verdict = validate_pdf(document, trust_roots=[root.der], other_certs=[issuing.der])
        if not verdict.valid:
            raise RuntimeError(f"the bench's own signature does not validate: {verdict.reasons}")

    def validate(document: bytes) -> Callable[[], Any]:
        return functools.partial(
            validate_pdf,
            document,
            trust_roots=[root.der],
            other_certs=[issuing.der],
            signer=identities["ec"][0].der,
            require_visible=True,
        )

    timings = {
        "sign_leader_ec": measure(lambda: leader_signed("ec"), rounds),
        "sign_leader_rsa": measure(lambda: leader_signed("rsa"), rounds),
        "open_token_with_pin": measure(lambda: pki.key_open(sealed_token, PIN), rounds),
        "sign_organization_seal": measure(lambda: sealed(signed), rounds),
        "validate_one_signature": measure(validate(signed), rounds),
        "validate_leader_and_seal": measure(validate(both), rounds),
        "validate_in_capped_child": measure(
            lambda: run_bounded(validate(signed), limits=LIMITS), rounds
        ),
    }
    return {
        "rounds": rounds,
        "document_bytes": len(draft),
        "signed_bytes": len(signed),
        "timings_ms": {name: timing.as_json() for name, timing in timings.items()},
    }
