"""The structure of a PDF as signature validation reads it: its form fields, pages and
annotations, the objects each later revision changed, and what those changes amount to
(`modification_level`). `signatures/validation.py` judges signatures with it."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import SignatureCoverageLevel

from sathach.core.text import nfc

logger = logging.getLogger(__name__)

Box = tuple[float, float, float, float]


class MalformedPdf(ValueError):
    """The data is not a PDF, or a PDF (or one of its signatures) that cannot be parsed."""


# --- the PDF structure ------------------------------------------------------------------------


@dataclass(frozen=True)
class PdfField:
    name: str
    field_type: str | None
    ref: generic.Reference
    value: generic.DictionaryObject
    signed: bool


@dataclass(frozen=True)
class PdfPage:
    ref: generic.Reference
    value: generic.DictionaryObject
    box: Box
    rotate: int


def signature_fields(handler: Any) -> Iterator[PdfField]:
    """Every field of the AcroForm tree, with fully qualified names and inherited types."""
    try:
        roots = handler.root["/AcroForm"]["/Fields"]
    except KeyError:
        return
    stack: list[tuple[Any, str, str | None]] = [(ref, "", None) for ref in reversed(list(roots))]
    seen: set[generic.Reference] = set()
    while stack:
        ref, parent_name, parent_type = stack.pop()
        if not isinstance(ref, generic.IndirectObject) or ref.reference in seen:
            raise MalformedPdf("bad form field tree")
        seen.add(ref.reference)
        value = ref.get_object()
        if "/T" not in value:
            continue
        name = f"{parent_name}.{value['/T']}" if parent_name else str(value["/T"])
        field_type = str(value["/FT"]) if "/FT" in value else parent_type
        yield PdfField(nfc(name), field_type, ref.reference, value, "/V" in value)
        if "/Kids" in value:
            stack.extend((kid, name, field_type) for kid in reversed(list(value["/Kids"])))


def pdf_get(value: generic.DictionaryObject, key: str, default: Any = None) -> Any:
    """The entry, dereferenced (pyHanko's dictionaries dereference on [] but not on get)."""
    return value[key] if key in value else default  # noqa: SIM401


def pdf_raw(value: generic.DictionaryObject, key: str) -> Any:
    return value.raw_get(key) if key in value else None


def pdf_box(value: Any) -> Box:
    x1, y1, x2, y2 = (float(v) for v in value)
    return (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))


def pdf_pages(handler: Any) -> list[PdfPage]:
    """The pages in order, with their (inherited) crop box and rotation."""
    pages: list[PdfPage] = []
    stack: list[tuple[Any, Any, Any, int]] = [(handler.root.raw_get("/Pages"), None, None, 0)]
    seen: set[generic.Reference] = set()
    while stack:
        ref, media, crop, rotate = stack.pop()
        if not isinstance(ref, generic.IndirectObject) or ref.reference in seen:
            raise MalformedPdf("bad page tree")
        seen.add(ref.reference)
        node = ref.get_object()
        media = pdf_get(node, "/MediaBox", media)
        crop = pdf_get(node, "/CropBox", crop)
        rotate = int(pdf_get(node, "/Rotate", rotate))
        if pdf_get(node, "/Type") == "/Pages":
            stack.extend((kid, media, crop, rotate) for kid in reversed(list(node["/Kids"])))
        else:
            box = pdf_box(crop if crop is not None else media)
            pages.append(PdfPage(ref.reference, node, box, rotate % 360))
    return pages


def page_annotations(page: generic.DictionaryObject) -> dict[generic.Reference, Any]:
    annotations = pdf_get(page, "/Annots")
    if not isinstance(annotations, generic.ArrayObject):
        return {}
    return {a.reference: a for a in annotations if isinstance(a, generic.IndirectObject)}


def references_of(value: Any, skip: frozenset[str]) -> set[generic.Reference]:
    """The indirect objects that `value` reaches, not following the keys in `skip`."""
    found: set[generic.Reference] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, generic.IndirectObject):
            if item.reference in found:
                continue
            found.add(item.reference)
            item = item.get_object()
        if isinstance(item, generic.DictionaryObject):
            stack.extend(item.raw_get(k) for k in item if k not in skip)
        elif isinstance(item, generic.ArrayObject):
            stack.extend(item)
    return found


def updated_after(reader: PdfFileReader, revision: int) -> set[generic.Reference]:
    updated: set[generic.Reference] = set()
    for later in range(revision + 1, reader.xrefs.total_revisions):
        updated |= reader.xrefs.explicit_refs_in_revision(later)
    return updated


@dataclass
class PdfDocument:
    reader: PdfFileReader
    signatures: list[EmbeddedPdfSignature]
    fields: dict[str, PdfField]
    pages: list[PdfPage]


def open_pdf(data: bytes) -> PdfDocument:
    """Parse the file, its form fields, pages and signatures; MalformedPdf on any failure."""
    try:
        reader = PdfFileReader(io.BytesIO(data))
        fields = {f.name: f for f in signature_fields(reader)}
        signatures = list(reader.embedded_signatures)
        pages = pdf_pages(reader)
        for signature in signatures:
            signature.signer_cert.dump()
    except (MalformedPdf, MemoryError):
        raise
    except Exception as error:  # any parse failure means the file is rejected
        logger.info("unreadable PDF", exc_info=True)
        raise MalformedPdf(str(error)) from None
    signed = {name for name, f in fields.items() if f.field_type == "/Sig" and f.signed}
    if signed != {nfc(s.field_name) for s in signatures}:
        # pyHanko skips signatures in formats it does not know: never judge around them.
        raise MalformedPdf("a signature in an unsupported format")
    return PdfDocument(reader, signatures, fields, pages)


# --- what changed after a signature -----------------------------------------------------------


def only_later_signatures(document: PdfDocument, revision: int, later: set[str]) -> bool:
    """pyHanko's FORM_FILLING covers both new signatures and filled-in fields. Tell them
    apart: after `revision`, no field but the later signatures' may be new or touched."""
    old = {f.name: f for f in signature_fields(document.reader.get_historical_resolver(revision))}
    updated = updated_after(document.reader, revision)
    for name, current in document.fields.items():
        if current.field_type == "/Sig":
            before = old.get(name)
            if name not in later and (before is None or before.signed != current.signed):
                return False
            continue
        reached = {current.ref} | references_of(
            current.value, frozenset({"/P", "/Parent", "/Kids"})
        )
        for kid in pdf_get(current.value, "/Kids", ()):
            if "/T" not in kid.get_object():
                reached |= references_of(kid, frozenset({"/P", "/Parent"}))
        if reached & updated:
            return False
    return True


def only_annotations(document: PdfDocument, revision: int) -> bool:
    """Whether what pyHanko calls OTHER is only new annotations on unchanged pages (pyHanko's
    default policy does not tell annotations apart). A label for the report: both are
    modifications after signing."""
    reader = document.reader
    old_reader = reader.get_historical_resolver(revision)
    old_pages = pdf_pages(old_reader)
    if [p.ref for p in old_pages] != [p.ref for p in document.pages]:
        return False
    updated = updated_after(reader, revision)
    # The document information dictionary: every writer updates its /Producer.
    info = pdf_raw(reader.trailer_view, "/Info")
    allowed = {info.reference} if isinstance(info, generic.IndirectObject) else set()
    for before, after in zip(old_pages, document.pages, strict=True):
        if after.ref in updated:
            keys = (set(before.value) | set(after.value)) - {"/Annots"}
            if any(pdf_raw(before.value, k) != pdf_raw(after.value, k) for k in keys):
                return False
            allowed.add(after.ref)
        annotations = pdf_raw(after.value, "/Annots")
        if isinstance(annotations, generic.IndirectObject):
            allowed.add(annotations.reference)
        old_annotations = page_annotations(before.value)
        for ref, annotation in page_annotations(after.value).items():
            if ref in old_annotations:
                continue
            reached = references_of(annotation, frozenset({"/P", "/Parent", "/Popup", "/IRT"}))
            allowed |= {r for r in reached if reader.xrefs.get_introducing_revision(r) > revision}
    return bool(updated) and updated <= allowed


def modification_level(
    document: PdfDocument, signature: EmbeddedPdfSignature, status: Any, later: set[str]
) -> str:
    coverage = status.coverage
    level = status.modification_level
    if coverage not in (SignatureCoverageLevel.ENTIRE_FILE, SignatureCoverageLevel.ENTIRE_REVISION):
        return "other"
    if level is None:
        return "other"
    if level == ModificationLevel.NONE:
        return "none"
    if level in (ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING):
        if only_later_signatures(document, signature.signed_revision, later):
            return "signatures"
        return "form_filling"
    if level == ModificationLevel.ANNOTATIONS or only_annotations(
        document, signature.signed_revision
    ):
        return "annotations"
    return "other"
