"""Signing PDFs with pyHanko: the leader's visible PAdES B-T signature (Nghị định 30, Phụ
lục I: the blue signature image at the signer's place) and the organisation's seal signature
added on top as an incremental update.

The time-stamping authority runs in process (no network): pyHanko's DummyTimeStamper with
the exam TSA's certificate and key.
"""

from __future__ import annotations

import datetime
import functools
import io
import math
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from asn1crypto import cms, core
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from PIL import Image, ImageDraw, ImageFont
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import AxisAlignment, Margins, SimpleBoxLayoutRule
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, general, signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.general import get_pyca_cryptography_hash, simple_cms_attribute
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.stamp import StaticStampStyle, TextStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from sathach.core.text import nfc
from sathach.signatures import pki

FONT_DIR = Path("/usr/share/fonts/truetype/liberation2")
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
SEAL_DIAMETER_PT = 102.0  # 36 mm: the round seal of a commune People's Committee
Box = tuple[float, float, float, float]


def asn1_certificate(der: bytes) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(bytes(der))


def asn1_key(key: pki.PrivateKey) -> asn1_keys.PrivateKeyInfo:
    return asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


class HeldKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner, signing with the key object it is given. SimpleSigner reads
    the key's DER back into a key on every raw signature (twice per PDF: the size estimate
    and the real one), and for RSA that check cost more than the rest of the signature."""

    def __init__(self, *, key: pki.PrivateKey, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._key = key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
        if mechanism == "ecdsa" and isinstance(self._key, ec.EllipticCurvePrivateKey):
            return self._key.sign(data, ec.ECDSA(hash_algorithm))
        if mechanism == "rsassa_pkcs1v15" and isinstance(self._key, rsa.RSAPrivateKey):
            return self._key.sign(data, padding.PKCS1v15(), hash_algorithm)
        return super().sign_raw(data, digest_algorithm)


@dataclass
class SigningIdentity:
    """A certificate with its key and the chain to embed."""

    certificate: bytes
    key: pki.PrivateKey
    chain: list[bytes]

    def signer(self) -> signers.SimpleSigner:
        registry = SimpleCertificateStore.from_certs([asn1_certificate(c) for c in self.chain])
        return HeldKeySigner(
            key=self.key,
            signing_cert=asn1_certificate(self.certificate),
            signing_key=asn1_key(self.key),
            cert_registry=registry,
        )


class HeldKeyTimeStamper(DummyTimeStamper):
    """The offline time-stamping authority, signing with the key object it is given rather
    than reading the key's DER back on every time stamp (as DummyTimeStamper does)."""

    def __init__(self, *, key: rsa.RSAPrivateKey, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._key = key

    def _sign_tst_info(
        self, tst_info_data: bytes, md_algorithm: str, dt: datetime.datetime
    ) -> tuple[bytes, cms.CMSAttributes]:
        # DummyTimeStamper._sign_tst_info with the held key (pyHanko 0.38).
        digest = hashes.Hash(get_pyca_cryptography_hash(md_algorithm))
        digest.update(tst_info_data)
        signed_attrs = cms.CMSAttributes(
            [
                simple_cms_attribute("content_type", "tst_info"),
                simple_cms_attribute("signing_time", cms.Time({"utc_time": core.UTCTime(dt)})),
                simple_cms_attribute(
                    "signing_certificate", general.as_signing_certificate(self.tsa_cert)
                ),
                simple_cms_attribute("message_digest", digest.finalize()),
            ]
        )
        signature = self._key.sign(
            signed_attrs.dump(),
            padding.PKCS1v15(),
            get_pyca_cryptography_hash(md_algorithm.upper()),
        )
        return signature, signed_attrs


def time_stamper(tsa_certificate: bytes, tsa_key: pki.PrivateKey) -> DummyTimeStamper:
    if not isinstance(tsa_key, rsa.RSAPrivateKey):
        raise ValueError("the time-stamping authority's key must be RSA")
    return HeldKeyTimeStamper(
        key=tsa_key, tsa_cert=asn1_certificate(tsa_certificate), tsa_key=asn1_key(tsa_key)
    )


@functools.cache
def stamp_font_file(name: str = "LiberationSerif-Regular.ttf") -> str:
    """The font rescaled to 1000 units per em: pyHanko 0.38 writes glyph widths in font
    units, which spreads the letters of a 2048-unit font far apart. Rescaling takes about a
    second, so it is done once per process; the file is written whole under a name of its
    own and moved into place, so that server processes never read each other's half."""
    font = TTFont(str(FONT_DIR / name))
    scale_upem(font, 1000)
    target = Path(tempfile.gettempdir()) / f"sathach-{name.replace('.ttf', '')}-1000.ttf"
    with tempfile.NamedTemporaryFile(dir=target.parent, suffix=".ttf", delete=False) as part:
        font.save(part)
    os.replace(part.name, target)
    return str(target)


def signature_image(full_name: str, width: int = 480, height: int = 200) -> bytes:
    """A blue handwritten-looking signature drawn from the name, on a transparent PNG, for
    leaders who have not uploaded a picture of their signature."""
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT_DIR / "LiberationSerif-BoldItalic.ttf"), 64)
    words = nfc(full_name).split()
    text = words[-1] if words else ""
    blue = (0, 51, 204, 255)
    box = draw.textbbox((0, 0), text, font=font)
    x = (width - (box[2] - box[0])) / 2
    y = (height - (box[3] - box[1])) / 2 - 20
    draw.text((x, y), text, font=font, fill=blue)
    # A flourish under the name, as signatures have.
    draw.arc((x - 30, y + 40, x + (box[2] - box[0]) + 40, y + 130), 200, 340, fill=blue, width=5)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def seal_image(organization: str, size: int = 600) -> bytes:
    """The red round seal of the organisation: two rings with the name written along the
    outer band, a star in the middle, on a transparent background."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    red = (220, 20, 20, 235)
    draw.ellipse((6, 6, size - 6, size - 6), outline=red, width=14)
    draw.ellipse((92, 92, size - 92, size - 92), outline=red, width=6)
    font = ImageFont.truetype(str(FONT_DIR / "LiberationSerif-Bold.ttf"), 40)
    text = nfc(organization).upper()
    radius = size / 2 - 52
    # Spread the name over the upper 300 degrees of the band, letter by letter.
    span = min(300.0, 12.0 * len(text))
    start = -90 - span / 2
    for index, letter in enumerate(text):
        angle = math.radians(start + span * (index + 0.5) / max(len(text), 1))
        tile = Image.new("RGBA", (60, 60), (0, 0, 0, 0))
        ImageDraw.Draw(tile).text((30, 30), letter, font=font, fill=red, anchor="mm")
        tile = tile.rotate(-math.degrees(angle) - 90, resample=Image.Resampling.BICUBIC)
        x = size / 2 + radius * math.cos(angle) - 30
        y = size / 2 + radius * math.sin(angle) - 30
        image.alpha_composite(tile, (int(x), int(y)))
    star = [(300, 170), (318, 225), (376, 225), (329, 258), (347, 313), (300, 280), (253, 313),
            (271, 258), (224, 225), (282, 225)]  # fmt: skip
    draw.polygon([(x * size / 600, y * size / 600) for x, y in star], fill=red)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _points(box: Box) -> tuple[int, int, int, int]:
    x1, y1, x2, y2 = (round(v) for v in box)
    return (x1, y1, x2, y2)


def _png(data: bytes) -> PdfImage:
    return PdfImage(Image.open(io.BytesIO(data)))


LEADER_FIELD = "ChuKyLanhDao"


def leader_pdf_signer(
    signer: signers.Signer,
    *,
    stamper: DummyTimeStamper,
    box: Box,
    page: int,
    image_png: bytes,
    field_name: str = LEADER_FIELD,
) -> signers.PdfSigner:
    """The leader's signature for any signer (a key here, a PKCS#11 token, or an external
    signer whose value comes later): PAdES B-T, visible at `box` on `page` (0-based) with
    the blue signature image filling the box."""
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    style = StaticStampStyle(background=_png(image_png), border_width=0, background_opacity=1.0)
    return signers.PdfSigner(
        meta,
        signer=signer,
        timestamper=stamper,
        stamp_style=style,
        new_field_spec=fields.SigFieldSpec(field_name, on_page=page, box=_points(box)),
    )


def sign_leader(
    data: bytes,
    *,
    identity: SigningIdentity,
    stamper: DummyTimeStamper,
    box: Box,
    page: int = 0,
    image_png: bytes,
    field_name: str = LEADER_FIELD,
) -> bytes:
    """Sign with a key held here: see `leader_pdf_signer`."""
    pdf_signer = leader_pdf_signer(
        identity.signer(),
        stamper=stamper,
        box=box,
        page=page,
        image_png=image_png,
        field_name=field_name,
    )
    output = io.BytesIO()
    pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data)), output=output)
    return output.getvalue()


def seal_box(leader_box: Box) -> Box:
    """The seal at actual size covering the left third of the leader's signature, as Phụ
    lục I places it: its right edge a third of the way into the signature's box."""
    x1, y1, x2, y2 = leader_box
    right = x1 + (x2 - x1) / 3
    middle = (y1 + y2) / 2
    half = SEAL_DIAMETER_PT / 2
    return (right - SEAL_DIAMETER_PT, middle - half, right, middle + half)


def sign_organization(
    data: bytes,
    *,
    identity: SigningIdentity,
    stamper: DummyTimeStamper,
    leader_box: Box,
    page: int,
    organization: str,
    when: datetime.datetime | None = None,
    field_name: str = "ChuKyCoQuan",
) -> bytes:
    """The organisation's signature, as an incremental update after the leader's: the red
    seal with the organisation's name and the signing time (ISO 8601, Vietnam time) in an
    embedded font that has every Vietnamese letter."""
    when = (when or datetime.datetime.now(VIETNAM)).astimezone(VIETNAM)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        app_build_props=None,
    )
    style = TextStampStyle(
        stamp_text="%(org)s\n%(iso)s",
        text_box_style=TextBoxStyle(
            font=GlyphAccumulatorFactory(stamp_font_file(), font_size=6), font_size=6
        ),
        # The name and time under the star, inside the inner ring.
        inner_content_layout=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MID,
            y_align=AxisAlignment.ALIGN_MIN,
            margins=Margins(left=20, right=20, top=0, bottom=26),
        ),
        background=_png(seal_image(organization)),
        background_opacity=1.0,
        border_width=0,
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=identity.signer(),
        timestamper=stamper,
        stamp_style=style,
        new_field_spec=fields.SigFieldSpec(
            field_name, on_page=page, box=_points(seal_box(leader_box))
        ),
    )
    output = io.BytesIO()
    pdf_signer.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(data)),
        output=output,
        appearance_text_params={
            "org": nfc(organization),
            "iso": when.isoformat(timespec="seconds"),
        },
    )
    return output.getvalue()
