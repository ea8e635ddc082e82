"""PDFs for the validator's tests: a Vietnamese draft made with reportlab, signed with
pyHanko, and the tampered versions that the validator must reject, each built as a real
incremental update with pyHanko's IncrementalPdfFileWriter."""

from __future__ import annotations

import datetime
import io
import unicodedata

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from sathach.signatures.tests.pki import ExamPki, Identity, exam_pki

FONT = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
LEADER_BOX = (340, 120, 520, 190)
SEAL_BOX = (300, 100, 400, 200)
TEXT_FIELD = "SoVanBan"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def draft_pdf(*, with_text_field: bool = False, pages: int = 1) -> bytes:
    """A one-page report of a commune in Liberation Serif, optionally with an AcroForm
    text field (the document number) that is empty when signed."""
    if "LiberationSerif" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("LiberationSerif", FONT))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    for number in range(pages):
        page.setFont("LiberationSerif", 13)
        page.drawString(72, 780, nfc("ỦY BAN NHÂN DÂN XÃ AN THẠNH 1"))
        page.drawString(72, 700, nfc("BÁO CÁO Kết quả thực hiện cải cách hành chính năm 2020"))
        page.drawString(72, 670, nfc("Tổng kinh phí được duyệt: 150.000.000 đồng."))
        page.drawCentredString(430, 200, nfc("CHỦ TỊCH"))
        page.drawCentredString(430, 100, nfc("Nguyễn Văn An"))
        if with_text_field and number == 0:
            page.acroForm.textfield(
                name=TEXT_FIELD, x=72, y=740, width=200, height=20, value="", borderWidth=0
            )
        page.showPage()
    page.save()
    return buffer.getvalue()


def _asn1(identity: Identity) -> tuple[asn1_x509.Certificate, asn1_keys.PrivateKeyInfo]:
    return (
        asn1_x509.Certificate.load(identity.der),
        asn1_keys.PrivateKeyInfo.load(identity.key_der),
    )


def sign(
    data: bytes,
    identity: Identity,
    *,
    field: str = "ChuKyLanhDao",
    box: tuple[int, int, int, int] | None = LEADER_BOX,
    page: int = 0,
    chain: tuple[Identity, ...] | None = None,
    timestamp: bool = False,
    timestamp_time: datetime.datetime | None = None,
    pki: ExamPki | None = None,
    existing_field: bool = False,
    md_algorithm: str = "sha256",
) -> bytes:
    """Sign `data` as an incremental update: PAdES, SHA-256, a visible field at `box` on
    `page` (invisible when `box` is None), the exam CA embedded unless `chain` says
    otherwise, a time-stamp token from the test TSA when asked (at `timestamp_time`)."""
    pki = pki or exam_pki()
    certificate, key = _asn1(identity)
    chain = (pki.exam_ca,) if chain is None else chain
    signer = signers.SimpleSigner(
        signing_cert=certificate,
        signing_key=key,
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(c.der) for c in chain]
        ),
    )
    stamper = _time_stamper(pki, timestamp_time) if timestamp else None
    meta = signers.PdfSignatureMetadata(
        field_name=field, subfilter=SigSeedSubFilter.PADES, md_algorithm=md_algorithm
    )
    spec = None if existing_field else fields.SigFieldSpec(field, on_page=page, box=box)
    pdf_signer = signers.PdfSigner(meta, signer=signer, timestamper=stamper, new_field_spec=spec)
    output = io.BytesIO()
    pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data)), output=output)
    return output.getvalue()


def _time_stamper(pki: ExamPki, when: datetime.datetime | None = None) -> DummyTimeStamper:
    tsa_certificate, tsa_key = _asn1(pki.tsa)
    return DummyTimeStamper(tsa_cert=tsa_certificate, tsa_key=tsa_key, fixed_dt=when)


def add_document_timestamp(data: bytes) -> bytes:
    """A PAdES document time-stamp (/DocTimeStamp) from the test TSA, as an update."""
    stamper = signers.PdfTimeStamper(_time_stamper(exam_pki()))
    return stamper.timestamp_pdf(_incremental(data), "sha256").getvalue()


def add_empty_signature_field(data: bytes) -> bytes:
    """A new, unsigned signature field whose widget could show anything over the page:
    a field but no later signature."""
    writer = _incremental(data)
    fields.append_signature_field(
        writer, fields.SigFieldSpec("ChuKyTrong", box=(60, 640, 560, 720))
    )
    return _written(writer)


def with_hidden_signature_field(data: bytes, field: str = "ChuKyLanhDao") -> bytes:
    """An empty signature field at the leader's box whose widget is flagged Hidden, to be
    signed with `sign(..., existing_field=True)`."""
    writer = _incremental(data)
    fields.append_signature_field(writer, fields.SigFieldSpec(field, box=LEADER_BOX))
    for field_ref in writer.root["/AcroForm"]["/Fields"]:
        widget = field_ref.get_object()
        if widget.get("/T") == field:
            widget[pdf_name("/F")] = generic.NumberObject(2 | 4)
            writer.update_container(widget)
    return _written(writer)


def _incremental(data: bytes) -> IncrementalPdfFileWriter:
    return IncrementalPdfFileWriter(io.BytesIO(data))


def _written(writer: IncrementalPdfFileWriter) -> bytes:
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _helvetica() -> generic.DictionaryObject:
    return generic.DictionaryObject(
        {
            pdf_name("/Font"): generic.DictionaryObject(
                {
                    pdf_name("/FHelv"): generic.DictionaryObject(
                        {
                            pdf_name("/Type"): pdf_name("/Font"),
                            pdf_name("/Subtype"): pdf_name("/Type1"),
                            pdf_name("/BaseFont"): pdf_name("/Helvetica"),
                        }
                    )
                }
            )
        }
    )


def overlay_page_content(data: bytes) -> bytes:
    """The shadow of an incremental saving attack: a white box over the amount and a new
    amount drawn on top, appended to the page's content after signing."""
    writer = _incremental(data)
    content = (
        b"q 1 1 1 rg 60 660 460 30 re f Q BT /FHelv 13 Tf 72 670 Td (Tong kinh phi: 1 dong) Tj ET"
    )
    stream = writer.add_object(generic.StreamObject(stream_data=content))
    writer.add_stream_to_page(0, stream, resources=_helvetica())
    return _written(writer)


def replace_page_contents(data: bytes) -> bytes:
    """The page's /Contents replaced by a new stream."""
    writer = _incremental(data)
    page_ref = writer.root["/Pages"]["/Kids"].raw_get(0)
    page = page_ref.get_object()
    content = b"BT /FHelv 13 Tf 72 700 Td (Van ban da bi thay the) Tj ET"
    page[pdf_name("/Contents")] = writer.add_object(generic.StreamObject(stream_data=content))
    page[pdf_name("/Resources")] = _helvetica()
    writer.update_container(page)
    return _written(writer)


def add_annotation(data: bytes) -> bytes:
    """A FreeText comment "ĐÃ HỦY" stuck on the page after signing."""
    writer = _incremental(data)
    page_ref = writer.root["/Pages"]["/Kids"].raw_get(0)
    annotation = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name("/FreeText"),
            pdf_name("/Rect"): generic.ArrayObject(
                [generic.FloatObject(v) for v in (72, 600, 300, 640)]
            ),
            pdf_name("/Contents"): generic.TextStringObject(nfc("ĐÃ HỦY")),
            pdf_name("/DA"): generic.TextStringObject("/Helv 24 Tf 1 0 0 rg"),
            pdf_name("/P"): page_ref,
        }
    )
    writer.register_annotation(page_ref, writer.add_object(annotation))
    return _written(writer)


def fill_text_field(data: bytes, value: str = "125/BC-UBND") -> bytes:
    """Fill the draft's text field after signing, with a new appearance stream."""
    writer = _incremental(data)
    for field_ref in writer.root["/AcroForm"]["/Fields"]:
        field = field_ref.get_object()
        if field.get("/T") != TEXT_FIELD:
            continue
        field[pdf_name("/V")] = generic.TextStringObject(value)
        x1, y1, x2, y2 = (float(v) for v in field["/Rect"])
        appearance = generic.StreamObject(
            {
                pdf_name("/Type"): pdf_name("/XObject"),
                pdf_name("/Subtype"): pdf_name("/Form"),
                pdf_name("/BBox"): generic.ArrayObject(
                    [generic.FloatObject(v) for v in (0, 0, x2 - x1, y2 - y1)]
                ),
                pdf_name("/Resources"): _helvetica(),
            },
            stream_data=f"/Tx BMC BT /FHelv 12 Tf 2 5 Td ({value}) Tj ET EMC".encode(),
        )
        field[pdf_name("/AP")] = generic.DictionaryObject(
            {pdf_name("/N"): writer.add_object(appearance)}
        )
        writer.update_container(field)
    return _written(writer)


def change_signed_byte(data: bytes, marker: bytes = b"ReportLab") -> bytes:
    """One byte changed inside the signed range: the first place where `marker` (or, for
    compressed content, the /Producer) occurs."""
    position = data.find(marker)
    if position < 0:
        position = data.find(b"/Producer")
    assert position > 0, "nothing to change"
    changed = bytearray(data)
    changed[position + 1] ^= 0x01
    return bytes(changed)


def change_cms_byte(data: bytes, signature: int = 0) -> bytes:
    """One byte of the last signature value (the RSA/ECDSA bytes at the end of the CMS, before
    the zero padding) changed in the hex of /Contents."""
    start = -1
    for _ in range(signature + 1):
        start = data.index(b"/Contents <", start + 1)
    start += len(b"/Contents <")
    end = data.index(b">", start)
    hex_digits = data[start:end].rstrip(b"0")
    # 40 hex digits from the end of the DER: inside the signature value, never the padding.
    position = start + len(hex_digits) - 40
    changed = bytearray(data)
    changed[position] = ord("0") if changed[position] != ord("0") else ord("1")
    return bytes(changed)
