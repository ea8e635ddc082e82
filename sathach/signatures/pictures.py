"""A picture of the page under a signature, for the verification page (drawn by pdftoppm
inside the capped child of sandbox.py)."""

from __future__ import annotations

import io
import logging
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from sathach.core.text import nfc
from sathach.signatures.pdf_structure import PdfPage, open_pdf
from sathach.signatures.validation import signature_appearance

logger = logging.getLogger(__name__)

_RENDER_DPI = 80
_RENDER_TIMEOUT_S = 30
_RENDER_MAX_PIXELS = 1600  # the longest side of a page's picture


def _pixels(point: tuple[float, float], page: PdfPage, scale: float) -> tuple[float, float]:
    """A PDF user-space point on the page as rendered by pdftoppm (top-left origin)."""
    x0, y0, x1, y1 = page.box
    u, v = point[0] - x0, point[1] - y0
    width, height = x1 - x0, y1 - y0
    placed = {
        0: (u, height - v),
        90: (v, u),
        180: (width - u, v),
        270: (height - v, width - u),
    }.get(page.rotate, (u, height - v))
    return placed[0] * scale, placed[1] * scale


def render_page(data: bytes, page_index: int, dpi: float) -> Any:
    """Page `page_index` (from 0) of the PDF as a Pillow RGB image drawn by pdftoppm at
    `dpi`; None when the page does not exist or pdftoppm fails. The caller caps `dpi` for
    a huge page."""
    from PIL import Image, UnidentifiedImageError
    from PIL.Image import DecompressionBombError

    with tempfile.TemporaryDirectory(prefix="sathach-render-") as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(data)
        number = str(page_index + 1)
        command = ["pdftoppm", "-png", "-r", f"{dpi:.3f}", "-f", number, "-l", number]
        command += ["-singlefile", str(source), str(Path(folder) / "page")]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=_RENDER_TIMEOUT_S)  # noqa: S603
            return Image.open(Path(folder) / "page.png").convert("RGB")
        except (
            OSError,
            subprocess.SubprocessError,
            UnidentifiedImageError,
            DecompressionBombError,
        ):
            logger.info("pdftoppm could not render the page", exc_info=True)
            return None


def capped_dpi(page: PdfPage, dpi: float, longest_pixels: int = _RENDER_MAX_PIXELS) -> float:
    """`dpi`, or less for a page whose longest side would pass `longest_pixels`: a huge
    page (a hostile file's 200-inch MediaBox) is drawn smaller, never in billions of
    pixels."""
    longest = max(page.box[2] - page.box[0], page.box[3] - page.box[1], 1.0)
    return min(float(dpi), longest_pixels * 72 / longest)


def render_signature_page(data: bytes, index: int = 0) -> bytes | None:
    """A PNG of the page that holds signature `index`, at 80 dpi (less for a page over 20
    inches, to at most 1600 pixels), with the signature's
    rectangle outlined in red; None when the signature is invisible or anything fails."""
    from PIL import ImageDraw

    try:
        document = open_pdf(data)
        placed = signature_appearance(document, nfc(document.signatures[index].field_name))
    except Exception:  # no picture rather than an error page: the verdict says why
        logger.info("no signature to render", exc_info=True)
        return None
    if placed is None:
        return None
    page_index, (x1, y1, x2, y2) = placed
    page = document.pages[page_index]
    dpi = capped_dpi(page, _RENDER_DPI)
    image = render_page(data, page_index, dpi)
    if image is None:
        return None
    scale = dpi / 72
    corners = [_pixels(p, page, scale) for p in ((x1, y1), (x2, y2))]
    left, right = sorted(c[0] for c in corners)
    top, bottom = sorted(c[1] for c in corners)
    ImageDraw.Draw(image).rectangle((left, top, right, bottom), outline=(220, 0, 0), width=3)
    output = io.BytesIO()
    image.save(output, "PNG")
    return output.getvalue()


def render_page_png(data: bytes, page_index: int, dpi: int = 110) -> bytes | None:
    """A PNG of one page of the PDF, for a browser that shows no PDF (a phone's): `dpi`,
    capped for a huge page; None when the page does not exist or cannot be drawn."""
    try:
        pages = open_pdf(data).pages
    except Exception:  # no picture rather than an error page
        logger.info("no page to render", exc_info=True)
        return None
    if not 0 <= page_index < len(pages):
        return None
    image = render_page(data, page_index, capped_dpi(pages[page_index], dpi))
    if image is None:
        return None
    output = io.BytesIO()
    image.save(output, "PNG", optimize=True)
    return output.getvalue()


def page_count(data: bytes) -> int:
    """How many pages the PDF has; 0 when it cannot be read."""
    try:
        return len(open_pdf(data).pages)
    except Exception:  # a file that cannot be read shows no page
        logger.info("pages not counted", exc_info=True)
        return 0
