"""Hostile files made in the tests (nothing big is committed): Excel zip bombs, sheets of a
million rows, and the like. Each is small to make and, where it matters, small on the wire."""

from __future__ import annotations

import base64
import io
import os
import zipfile
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

MB = 1024 * 1024


def _workbook(sheet: str, header: list[str]) -> bytes:
    book = Workbook()
    book.active.title = sheet
    book.active.append(header)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _replaced(data: bytes, parts: dict[str, Iterable[bytes]]) -> bytes:
    """The workbook with some parts' content replaced, each streamed into the zip."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            if item.filename in parts:
                continue
            target.writestr(item, source.read(item))
        for name, chunks in parts.items():
            with target.open(name, "w", force_zip64=True) as stream:
                for chunk in chunks:
                    stream.write(chunk)
    return output.getvalue()


def _sheet_xml(rows: Iterable[bytes]) -> Iterable[bytes]:
    yield (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns='
        b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    yield from rows
    yield b"</sheetData></worksheet>"


def _row(number: int, values: list[str]) -> bytes:
    cells = "".join(
        f'<c r="{get_column_letter(i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
        for i, v in enumerate(values, 1)
    )
    return f'<row r="{number}">{cells}</row>'.encode()


def million_rows(sheet: str, header: list[str]) -> bytes:
    """The header, then one cell on the sheet's last row (1,048,576): a few KB that a
    reader walks as a million rows."""
    rows = [_row(1, header), _row(1_048_576, ["x"])]
    return _replaced(_workbook(sheet, header), {"xl/worksheets/sheet1.xml": _sheet_xml(rows)})


def many_rows(sheet: str, header: list[str], count: int, values: list[str]) -> bytes:
    """The header and `count` filled rows."""
    rows = (_row(n, header if n == 1 else values) for n in range(1, count + 2))
    return _replaced(_workbook(sheet, header), {"xl/worksheets/sheet1.xml": _sheet_xml(rows)})


def zip_bomb(sheet: str, header: list[str], megabytes: int = 80) -> bytes:
    """A sheet part that unpacks to `megabytes` MB of spaces (about 80 KB on the wire)."""
    chunk = b" " * MB

    def rows() -> Iterable[bytes]:
        yield _row(1, header)
        for _ in range(megabytes):
            yield chunk

    return _replaced(_workbook(sheet, header), {"xl/worksheets/sheet1.xml": _sheet_xml(rows())})


def shared_strings_bomb(sheet: str, header: list[str], megabytes: int = 17) -> bytes:
    """A shared-strings part of `megabytes` MB of text that does not compress (so that the
    compression ratio alone does not give it away)."""
    noise = base64.b64encode(os.urandom(megabytes * MB * 3 // 4))

    def strings() -> Iterable[bytes]:
        yield (
            b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns='
            b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
            b'uniqueCount="1"><si><t>'
        )
        yield noise
        yield b"</t></si></sst>"

    return _replaced(_workbook(sheet, header), {"xl/sharedStrings.xml": strings()})


def zip_not_workbook() -> bytes:
    """A zip that is no workbook (no OOXML content types)."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("readme.txt", "Không phải sổ tính")
    return output.getvalue()
