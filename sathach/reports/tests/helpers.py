"""Opening produced files with their own libraries."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import unicodedata
from collections.abc import Iterator
from html import unescape
from io import BytesIO
from pathlib import Path
from typing import Any

import docx
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

PDFTOTEXT = shutil.which("pdftotext")


def open_workbook(content: bytes) -> Workbook:
    return load_workbook(BytesIO(content))


def open_docx(content: bytes) -> Any:
    return docx.Document(BytesIO(content))


def paragraphs(container: Any) -> Iterator[Any]:
    """Every paragraph of a document or cell, tables included, in reading order."""
    for block in container.iter_inner_content():
        if hasattr(block, "runs"):
            yield block
        else:
            for row in block.rows:
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    yield from paragraphs(cell)


def find(document: Any, start: str) -> Any:
    """The first paragraph whose text starts with `start`."""
    for paragraph in paragraphs(document):
        if paragraph.text.startswith(start):
            return paragraph
    raise AssertionError(f"no paragraph starts with {start!r}")


def texts(document: Any) -> list[str]:
    return [paragraph.text for paragraph in paragraphs(document)]


def pdf_text(content: bytes) -> str:
    """The text of a PDF as pdftotext reads it, NFC, white space collapsed."""
    assert PDFTOTEXT is not None
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "file.pdf"
        path.write_bytes(content)
        output = subprocess.run(
            [PDFTOTEXT, "-enc", "UTF-8", str(path), "-"],
            check=True,
            capture_output=True,
        ).stdout.decode("utf-8")
    return " ".join(unicodedata.normalize("NFC", output).split())


def pdf_pages(content: bytes) -> list[tuple[float, list[tuple[float, str]]]]:
    """Each page of a PDF as pdftotext lays it out: (page height, [(bottom of a word, the
    word)]), in points from the top of the page, words NFC."""
    assert PDFTOTEXT is not None
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "file.pdf"
        path.write_bytes(content)
        html = subprocess.run(
            [PDFTOTEXT, "-bbox", "-enc", "UTF-8", str(path), "-"],
            check=True,
            capture_output=True,
        ).stdout.decode("utf-8")
    pages = []
    for page in re.finditer(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', html, re.S):
        words = [
            (float(bottom), unicodedata.normalize("NFC", unescape(word)))
            for bottom, word in re.findall(r'yMax="([\d.]+)">([^<]*)</word>', page.group(2))
        ]
        pages.append((float(page.group(1)), words))
    return pages
