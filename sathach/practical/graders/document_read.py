"""A .docx read as Word and LibreOffice lay it out: each paragraph with the formatting they
actually apply, the sections' page size and margins, and the headers and footers.

A leader sets a font on a run, on a paragraph style, on the style it is based on, or once
for the whole document (docDefaults); a grader that looked only at the run's own
properties would fail a well-made document and pass a badly made one. So each property is
resolved the way Word does: the document defaults, then the paragraph style's chain (base
first), then the character style's chain, then the run's own formatting; paragraph
properties likewise (defaults, style chain, the paragraph's own). Theme fonts
("minorHAnsi") are read from the theme part.

The file is a leader's upload: its parts are read with a cap on each part's and the whole
package's unpacked size (a zip bomb stops at the cap), and the XML parser expands no
entity and fetches nothing.
"""

from __future__ import annotations

import io
import itertools
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_MAIN = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_STRICT_MAIN = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"

MAX_PART = 20 * 2**20
MAX_TOTAL = 60 * 2**20
MAX_PARTS = 5000
# Word's own fallbacks where neither the document nor its styles say anything.
FALLBACK_FONT = "Times New Roman"
FALLBACK_HALF_POINTS = 20
LETTER = (12240, 15840)  # twips: Word's page when the section gives none

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_FALSE = {"0", "false", "off", "none"}
_PAGE_FIELD = re.compile(r"\bPAGE\b")


class Unreadable(Exception):
    """The upload is not a Word document this grader can read; `why` says which case:
    "not_docx" (not a zip, no main part, broken XML) or "too_big" (past the caps)."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


@dataclass
class Run:
    text: str
    ascii_font: str
    other_font: str  # the hAnsi slot: every non-ASCII letter, Vietnamese ones included
    size: float  # points
    bold: bool
    italic: bool
    caps: bool

    def font_of(self, char: str) -> str:
        return self.ascii_font if ord(char) < 128 else self.other_font

    @property
    def shown(self) -> str:
        """The text as it is displayed: "All caps" draws it upper case."""
        return self.text.upper() if self.caps else self.text


@dataclass
class Para:
    runs: list[Run]
    style: str
    in_table: bool
    align: str  # left, center, right or both (justified)
    first_line: int  # twips; negative for a hanging indent
    before: int  # twips
    after: int  # twips
    line: int | None
    line_rule: str  # auto (240ths of a line), exact or atLeast (twips)
    contextual: bool
    fields: list[str] = field(default_factory=list)
    cell: int = 0  # which table cell holds it (0: none), to keep a cell's lines together

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)

    @property
    def shown(self) -> str:
        return "".join(run.shown for run in self.runs)

    def chars(self) -> Iterator[tuple[str, Run]]:
        """The visible characters (no white space) with the run that carries each."""
        for run in self.runs:
            for char in run.text:
                if not char.isspace():
                    yield char, run

    @property
    def has_page_field(self) -> bool:
        return any(_PAGE_FIELD.search(instruction.upper()) for instruction in self.fields)


@dataclass
class Section:
    width: int
    height: int
    landscape: bool
    top: int
    bottom: int
    left: int
    right: int
    title_page: bool
    headers: dict[str, list[Para]]  # "default", "first", "even"
    footers: dict[str, list[Para]]


@dataclass
class Docx:
    paragraphs: list[Para]  # the body's, in order, table cells included
    sections: list[Section]


class _Package:
    """The zip's parts, read under the caps."""

    def __init__(self, data: bytes) -> None:
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
            raise Unreadable("not_docx") from error
        if len(infos) > MAX_PARTS or sum(info.file_size for info in infos) > MAX_TOTAL:
            raise Unreadable("too_big")
        self.names = {info.filename for info in infos}
        self.read_total = 0

    def xml(self, name: str) -> Any:
        if name not in self.names:
            return None
        try:
            with self.zip.open(name) as stream:
                raw = stream.read(MAX_PART + 1)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as error:
            raise Unreadable("not_docx") from error
        except (zlib.error, NotImplementedError) as error:
            raise Unreadable("not_docx") from error
        self.read_total += len(raw)
        if len(raw) > MAX_PART or self.read_total > MAX_TOTAL:
            raise Unreadable("too_big")
        try:
            root = etree.fromstring(raw, _PARSER)
        except (etree.XMLSyntaxError, ValueError) as error:
            raise Unreadable("not_docx") from error
        if root.getroottree().docinfo.doctype:
            raise Unreadable("not_docx")
        return root

    def relations(self, part: str) -> dict[str, tuple[str, str]]:
        """The part's relationships: id → (type, target part name)."""
        folder, name = posixpath.split(part)
        root = self.xml(posixpath.join(folder, "_rels", f"{name}.rels"))
        found: dict[str, tuple[str, str]] = {}
        if root is None:
            return found
        for rel in root.iter(f"{{{_PKG}}}Relationship"):
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External":
                continue
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            found[rel.get("Id", "")] = (rel.get("Type", ""), posixpath.normpath(path))
        return found


def _on(element: Any) -> bool:
    return (element.get(w("val")) or "true").lower() not in _FALSE


def _int(value: str | None) -> int | None:
    try:
        return round(float(value)) if value is not None else None
    except ValueError:
        return None


class _Styles:
    """styles.xml and the theme: each paragraph's and run's properties resolved."""

    def __init__(self, styles: Any, theme: Any) -> None:
        self.by_id: dict[str, Any] = {}
        self.default_para = ""
        self.theme = {"major": "", "minor": ""}
        if theme is not None:
            for which in ("major", "minor"):
                latin = theme.find(f".//{{{_A}}}{which}Font/{{{_A}}}latin")
                if latin is not None:
                    self.theme[which] = latin.get("typeface", "")
        self.default_r: Any = None
        self.default_p: Any = None
        if styles is None:
            return
        self.default_r = styles.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}")
        self.default_p = styles.find(f"{w('docDefaults')}/{w('pPrDefault')}/{w('pPr')}")
        for style in styles.iter(w("style")):
            style_id = style.get(w("styleId"), "")
            self.by_id[style_id] = style
            if style.get(w("type")) == "paragraph" and _on_attr(style.get(w("default"))):
                self.default_para = style_id

    def chain(self, style_id: str) -> list[Any]:
        """The style and the styles it is based on, base first (loops cut)."""
        found: list[Any] = []
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self.by_id:
            seen.add(style_id)
            style = self.by_id[style_id]
            found.append(style)
            based = style.find(w("basedOn"))
            style_id = based.get(w("val"), "") if based is not None else ""
        return found[::-1]

    def run_props(self, para_style: str, run_style: str, direct: Any) -> dict[str, Any]:
        props: dict[str, Any] = {}
        levels = [self.default_r]
        levels += [s.find(w("rPr")) for s in self.chain(para_style)]
        levels += [s.find(w("rPr")) for s in self.chain(run_style)]
        levels.append(direct)
        for level in levels:
            if level is not None:
                _merge_run(props, level)
        return props

    def para_props(self, para_style: str, direct: Any) -> dict[str, Any]:
        props: dict[str, Any] = {}
        levels = [self.default_p, *[s.find(w("pPr")) for s in self.chain(para_style)], direct]
        for level in levels:
            if level is not None:
                _merge_para(props, level)
        return props

    def font(self, props: dict[str, Any], slot: str) -> str:
        theme = props.get(f"{slot}Theme")
        if theme:
            name = self.theme["major" if theme.startswith("major") else "minor"]
            if name:
                return str(name)
        return str(props.get(slot) or FALLBACK_FONT)


def _on_attr(value: str | None) -> bool:
    return value is not None and value.lower() not in _FALSE


def _merge_run(props: dict[str, Any], rpr: Any) -> None:
    fonts = rpr.find(w("rFonts"))
    if fonts is not None:
        for slot in ("ascii", "hAnsi"):
            theme = fonts.get(w(f"{slot}Theme"))
            name = fonts.get(w(slot))
            if theme:
                props[f"{slot}Theme"] = theme
            elif name:
                props[f"{slot}Theme"] = None
            if name:
                props[slot] = name
    size = rpr.find(w("sz"))
    if size is not None and _int(size.get(w("val"))):
        props["sz"] = _int(size.get(w("val")))
    for tag in ("b", "i", "caps"):
        element = rpr.find(w(tag))
        if element is not None:
            props[tag] = _on(element)


def _merge_para(props: dict[str, Any], ppr: Any) -> None:
    jc = ppr.find(w("jc"))
    if jc is not None and jc.get(w("val")):
        props["jc"] = jc.get(w("val"))
    ind = ppr.find(w("ind"))
    if ind is not None:
        if ind.get(w("hanging")) is not None:
            props["first"] = -(_int(ind.get(w("hanging"))) or 0)
        elif ind.get(w("firstLine")) is not None:
            props["first"] = _int(ind.get(w("firstLine"))) or 0
    spacing = ppr.find(w("spacing"))
    if spacing is not None:
        for name in ("before", "after", "line"):
            value = _int(spacing.get(w(name)))
            if value is not None:
                props[name] = value
        if spacing.get(w("lineRule")):
            props["lineRule"] = spacing.get(w("lineRule"))
    contextual = ppr.find(w("contextualSpacing"))
    if contextual is not None:
        props["contextual"] = _on(contextual)


_ALIGN = {"both": "both", "distribute": "both", "justify": "both", "center": "center"}
_ALIGN |= {"right": "right", "end": "right", "left": "left", "start": "left"}


def _paragraph(element: Any, styles: _Styles, cell: int) -> Para:
    ppr = element.find(w("pPr"))
    style_element = ppr.find(w("pStyle")) if ppr is not None else None
    style = style_element.get(w("val"), "") if style_element is not None else ""
    style = style or styles.default_para
    props = styles.para_props(style, ppr)
    runs: list[Run] = []
    fields: list[str] = []
    instruction: list[str] = []
    for node in element.iter(w("r"), w("fldSimple")):
        if next(node.iterancestors(w("p")), None) is not element:
            continue  # a paragraph of a text box inside this one
        if node.tag == w("fldSimple"):
            fields.append(node.get(w("instr"), ""))
            continue
        rpr = node.find(w("rPr"))
        run_style_element = rpr.find(w("rStyle")) if rpr is not None else None
        run_style = run_style_element.get(w("val"), "") if run_style_element is not None else ""
        resolved = styles.run_props(style, run_style, rpr)
        text: list[str] = []
        for child in node:
            if child.tag == w("t"):
                text.append(child.text or "")
            elif child.tag == w("tab"):
                text.append("\t")
            elif child.tag in (w("br"), w("cr")):
                text.append("\n")
            elif child.tag == w("noBreakHyphen"):
                text.append("-")
            elif child.tag == w("instrText"):
                instruction.append(child.text or "")
            elif child.tag == w("fldChar") and child.get(w("fldCharType")) == "end":
                fields.append("".join(instruction))
                instruction = []
        if text:
            runs.append(
                Run(
                    text="".join(text),
                    ascii_font=styles.font(resolved, "ascii"),
                    other_font=styles.font(resolved, "hAnsi"),
                    size=(resolved.get("sz") or FALLBACK_HALF_POINTS) / 2,
                    bold=bool(resolved.get("b")),
                    italic=bool(resolved.get("i")),
                    caps=bool(resolved.get("caps")),
                )
            )
    if instruction:
        fields.append("".join(instruction))
    return Para(
        runs=runs,
        style=style,
        in_table=cell > 0,
        align=_ALIGN.get(str(props.get("jc", "left")), "left"),
        first_line=int(props.get("first", 0)),
        before=int(props.get("before", 0)),
        after=int(props.get("after", 0)),
        line=props.get("line"),
        line_rule=str(props.get("lineRule", "auto")),
        contextual=bool(props.get("contextual")),
        fields=fields,
        cell=cell,
    )


def _blocks(
    container: Any, styles: _Styles, cell: int = 0, cells: Iterator[int] | None = None
) -> Iterator[Para]:
    """The paragraphs of a body, header or cell in reading order, each with its cell's
    number (0 outside tables)."""
    cells = cells if cells is not None else itertools.count(1)
    for child in container:
        if child.tag == w("p"):
            yield _paragraph(child, styles, cell)
        elif child.tag == w("tbl"):
            for row in child.iterchildren(w("tr")):
                for table_cell in row.iterchildren(w("tc")):
                    yield from _blocks(table_cell, styles, next(cells), cells)
        elif child.tag in (w("sdt"), w("customXml"), w("sdtContent"), w("ins"), w("smartTag")):
            yield from _blocks(child, styles, cell, cells)


def _section(
    sect: Any, package: _Package, relations: dict[str, tuple[str, str]], styles: _Styles
) -> Section:
    size = sect.find(w("pgSz"))
    margins = sect.find(w("pgMar"))
    width = _int(size.get(w("w"))) if size is not None else None
    height = _int(size.get(w("h"))) if size is not None else None
    width, height = width or LETTER[0], height or LETTER[1]
    orient = size.get(w("orient")) if size is not None else None

    def margin(name: str) -> int:
        value = _int(margins.get(w(name))) if margins is not None else None
        return abs(value) if value is not None else 1440

    title = sect.find(w("titlePg"))
    parts: dict[str, dict[str, list[Para]]] = {"header": {}, "footer": {}}
    for kind in ("header", "footer"):
        for reference in sect.iterchildren(w(f"{kind}Reference")):
            target = relations.get(reference.get(f"{{{_R}}}id", ""))
            root = package.xml(target[1]) if target else None
            if root is not None:
                which = reference.get(w("type"), "default")
                parts[kind][which] = list(_blocks(root, styles))
    return Section(
        width=width,
        height=height,
        landscape=orient == "landscape" or width > height,
        top=margin("top"),
        bottom=margin("bottom"),
        left=margin("left"),
        right=margin("right"),
        title_page=title is not None and _on(title),
        headers=parts["header"],
        footers=parts["footer"],
    )


def read_docx(data: bytes) -> Docx:
    """The document's paragraphs and sections; raises Unreadable."""
    package = _Package(data)
    main = ""
    for kind, target in package.relations("").values():
        if kind in (_MAIN, _STRICT_MAIN):
            main = target
    document = package.xml(main) if main else None
    if document is None or document.tag != w("document"):
        raise Unreadable("not_docx")
    relations = package.relations(main)

    def part(suffix: str) -> Any:
        for kind, target in relations.values():
            if kind.endswith(f"/{suffix}"):
                return package.xml(target)
        return None

    theme = part("theme")
    styles = _Styles(part("styles"), theme)
    body = document.find(w("body"))
    if body is None:
        raise Unreadable("not_docx")
    paragraphs = list(_blocks(body, styles))
    sections = [
        _section(sect, package, relations, styles)
        for sect in body.iter(w("sectPr"))
        if next(sect.iterancestors(w("sectPr")), None) is None
    ]
    if not sections:  # Word lays out a document without one on its default page
        sections.append(_section(etree.Element(w("sectPr")), package, relations, styles))
    return Docx(paragraphs=paragraphs, sections=sections)
