"""The files of practical tasks: what an upload must be, and the mark each download carries.

An upload is accepted only when it is what its name says: an Office Open XML (.docx, .xlsx,
.pptx) or OpenDocument (.odt, .ods, .odp) package of the task's kind, within the size limit,
with no macros and no link to anything outside the file (LibreOffice would fetch it when it
opens the file; nothing the leader hands in makes the server reach the network).

Each download carries a mark of its attempt and slot, a custom document property that
Word and LibreOffice keep when the file is saved (in docProps/custom.xml for OOXML, as a
user-defined property in meta.xml for OpenDocument). An upload without it, or with
another attempt's, is flagged for the proctor.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import re
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from django.conf import settings
from django.utils.translation import gettext as _

from sathach.core.errors import DomainError

MARK_PROPERTY = "sathach"
_MARK = re.compile(r"^sathach:(\d+):(\d+):([0-9a-f]{16})$")
# What the package of each extension holds, and its type.
_PACKAGES = {
    ".docx": ("word/document.xml", "document"),
    ".xlsx": ("xl/workbook.xml", "spreadsheet"),
    ".pptx": ("ppt/presentation.xml", "presentation"),
    ".odt": ("application/vnd.oasis.opendocument.text", "document"),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", "spreadsheet"),
    ".odp": ("application/vnd.oasis.opendocument.presentation", "presentation"),
}
_MAX_ENTRIES = 2000
_MAX_UNPACKED = 100 * 1024 * 1024
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
)
_HYPERLINK = "relationships/hyperlink"


def max_upload_bytes() -> int:
    return int(getattr(settings, "PRACTICAL_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))


def kind_of(extension: str) -> str | None:
    package = _PACKAGES.get(extension.lower())
    return package[1] if package else None


@dataclass(frozen=True)
class Checked:
    extension: str
    sha256: str
    mark: str | None


def _refuse(message: str) -> DomainError:
    return DomainError(message)


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 else ""


def check_upload(data: bytes, name: str, kind: str) -> Checked:
    """The upload `data` named `name` for a task of `kind`, checked; raises DomainError with
    the reason (in Vietnamese) when it cannot be accepted."""
    extension = _extension(name)
    allowed = sorted(ext for ext, (_part, k) in _PACKAGES.items() if k == kind)
    if extension not in allowed:
        raise _refuse(
            _("The file must be one of: %(types)s (this one is %(name)s).")
            % {"types": ", ".join(allowed), "name": name}
        )
    if not data:
        raise _refuse(_("The file is empty: nothing arrived. Choose the file and send it again."))
    if len(data) > max_upload_bytes():
        raise _refuse(
            _("The file is too large (%(size)s MB; at most %(limit)s MB).")
            % {
                "size": f"{len(data) / 1048576:.1f}".replace(".", ","),
                "limit": max_upload_bytes() // 1048576,
            }
        )
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        entries = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise _refuse(
            _("This is not a %(type)s file (it may be damaged, or only renamed).")
            % {"type": extension}
        ) from error
    with package:
        if len(entries) > _MAX_ENTRIES or sum(e.file_size for e in entries) > _MAX_UNPACKED:
            raise _refuse(_("The file holds too much to be opened safely."))
        names = {entry.filename for entry in entries}
        _check_package(package, names, extension)
        _check_no_macros(package, names)
        _check_no_external_links(package, names)
        mark = _read_mark(package, names)
    return Checked(extension, hashlib.sha256(data).hexdigest(), mark)


def _read(package: zipfile.ZipFile, name: str) -> bytes:
    try:
        return package.read(name)
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as error:
        raise _refuse(_("The file is damaged: part of it cannot be read.")) from error


def _check_package(package: zipfile.ZipFile, names: set[str], extension: str) -> None:
    part, _kind = _PACKAGES[extension]
    if extension.startswith(".od"):
        found = "mimetype" in names and _read(package, "mimetype").strip() == part.encode()
    else:
        found = part in names and "[Content_Types].xml" in names
    if not found:
        raise _refuse(
            _("This is not a %(type)s file (it may be damaged, or only renamed).")
            % {"type": extension}
        )


def _check_no_macros(package: zipfile.ZipFile, names: set[str]) -> None:
    macro_parts = any(
        name.lower().endswith("vbaproject.bin")
        or name.startswith(("Basic/", "Scripts/"))
        or (name.lower().endswith(".bin") and "activex" in name.lower())
        for name in names
    )
    types = _read(package, "[Content_Types].xml") if "[Content_Types].xml" in names else b""
    if macro_parts or b"macroEnabled" in types or b"vbaProject" in types:
        raise _refuse(
            _(
                "The file holds macros, which are not accepted. Save it again as an ordinary "
                "document (without macros) and send it again."
            )
        )


def _check_no_external_links(package: zipfile.ZipFile, names: set[str]) -> None:
    linked = any(name.startswith("xl/externalLinks/") for name in names)
    for name in names:
        if linked:
            break
        if name.endswith(".rels"):
            for element in _xml(_read(package, name)).iter():
                if element.get("TargetMode") == "External" and _HYPERLINK not in (
                    element.get("Type") or ""
                ):
                    linked = True
                    break
    if linked:
        raise _refuse(
            _(
                "The file links to other files or web addresses (a linked picture or "
                "workbook). Insert the content into the file itself and send it again."
            )
        )


def _xml(data: bytes) -> ElementTree.Element:
    # A package's XML never needs a DTD; refusing one keeps entity expansion out.
    if b"<!DOCTYPE" in data[:2048] or b"<!ENTITY" in data:
        raise _refuse(_("The file is damaged: part of it cannot be read."))
    try:
        return ElementTree.fromstring(data)  # noqa: S314 (no DTD, checked above)
    except ElementTree.ParseError as error:
        raise _refuse(_("The file is damaged: part of it cannot be read.")) from error


def _read_mark(package: zipfile.ZipFile, names: set[str]) -> str | None:
    """The value of the mark property, if the file has one."""
    if "docProps/custom.xml" in names:
        root = _xml(_read(package, "docProps/custom.xml"))
        for prop in root:
            if prop.get("name") == MARK_PROPERTY:
                return "".join(prop.itertext()).strip() or None
    if "meta.xml" in names:
        meta = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
        for element in _xml(_read(package, "meta.xml")).iter(f"{{{meta}}}user-defined"):
            if element.get(f"{{{meta}}}name") == MARK_PROPERTY:
                return "".join(element.itertext()).strip() or None
    return None


def _signature(attempt_id: int, position: int) -> str:
    message = f"practical-mark:{attempt_id}:{position}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:16]


def mark_for(attempt_id: int, position: int) -> str:
    """The mark of a download for slot `position` of attempt `attempt_id`."""
    return f"sathach:{attempt_id}:{position}:{_signature(attempt_id, position)}"


def mark_owner(mark: str | None) -> tuple[int, int] | None:
    """(attempt id, position) of a genuine mark; None for none or a forged one."""
    match = _MARK.match(mark or "")
    if not match:
        return None
    attempt_id, position = int(match.group(1)), int(match.group(2))
    if not hmac.compare_digest(match.group(3), _signature(attempt_id, position)):
        return None
    return attempt_id, position


def embed_mark(data: bytes, mark: str) -> bytes:
    """The OOXML package `data` with the custom property `sathach` set to `mark` (the
    package's other custom properties kept)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    ElementTree.register_namespace("", _CUSTOM_NS)
    ElementTree.register_namespace("vt", _VT_NS)
    if "docProps/custom.xml" in names:
        root = ElementTree.fromstring(source.read("docProps/custom.xml"))  # noqa: S314 (our own file)
        for prop in list(root):
            if prop.get("name") == MARK_PROPERTY:
                root.remove(prop)
    else:
        root = ElementTree.Element(f"{{{_CUSTOM_NS}}}Properties")
    ids = [int(p.get("pid", "1")) for p in root] or [1]
    prop = ElementTree.SubElement(
        root,
        f"{{{_CUSTOM_NS}}}property",
        {
            "fmtid": "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}",
            "pid": str(max(ids) + 1),
            "name": MARK_PROPERTY,
        },
    )
    ElementTree.SubElement(prop, f"{{{_VT_NS}}}lpwstr").text = mark
    custom = ElementTree.tostring(root, xml_declaration=True, encoding="UTF-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in names:
            content = source.read(name)
            if name == "docProps/custom.xml":
                continue
            if name == "[Content_Types].xml" and b"/docProps/custom.xml" not in content:
                override = (
                    f'<Override PartName="/docProps/custom.xml" ContentType="{_CUSTOM_TYPE}"/>'
                )
                content = content.replace(b"</Types>", override.encode() + b"</Types>")
            if name == "_rels/.rels" and _CUSTOM_REL.encode() not in content:
                rel = (
                    f'<Relationship Id="rIdSathachMark" Type="{_CUSTOM_REL}" '
                    'Target="docProps/custom.xml"/>'
                )
                content = content.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
            target.writestr(name, content)
        target.writestr("docProps/custom.xml", custom)
    return out.getvalue()


def read_mark(data: bytes) -> str | None:
    """The mark a package carries, or None (not a package, or no mark)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return _read_mark(package, set(package.namelist()))
    except (zipfile.BadZipFile, OSError, ValueError, DomainError):
        return None
