# ruff: noqa: RUF001 (the reasons are asserted as the leader reads them, en dashes and all)
"""The document grader on files made by real office software: Công văn that LibreOffice
saved from hand-written flat ODF (fixtures/make_documents.py), Thông báo built here with
python-docx, and broken or hostile uploads. Reasons are asserted in English (the msgids);
the review shows them in Vietnamese."""

from __future__ import annotations

import io
import shutil
import unicodedata
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.text.paragraph import Paragraph

from sathach.practical.graders import document
from sathach.practical.graders.document_body import body
from sathach.practical.graders.document_read import read_docx

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "document"
LAYOUT = [k for k in document.CRITERIA if k != "contains_text"]
ONE = Decimal(1)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def specs(*keys: str, **params: dict) -> list[dict]:
    return [{"key": k, "weight": "1", "params": params.get(k, {})} for k in keys or LAYOUT]


def grade(data: bytes, extension: str = ".docx", criteria: list[dict] | None = None) -> dict:
    verdicts = document.grade(data, extension, criteria or specs(), starter={})
    return {v.key: v for v in verdicts}


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def earned(verdicts: dict) -> dict:
    return {key: v.earned for key, v in verdicts.items()}


# --- LibreOffice's files ----------------------------------------------------------------


def test_a_cong_van_in_the_decrees_layout_earns_every_criterion() -> None:
    verdicts = grade(fixture("cong_van.docx"))
    assert earned(verdicts) == dict.fromkeys(LAYOUT, ONE), {
        k: v.reason for k, v in verdicts.items()
    }
    assert verdicts["body_size"].reason == "5 of 5 body paragraphs are 13–14 pt"
    assert (
        verdicts["number_symbol"].reason == "The number and symbol line is there: “Số: 12/UBND-VP”."
    )


def test_the_body_is_the_paragraphs_between_kinh_gui_and_noi_nhan() -> None:
    paragraphs = body(read_docx(fixture("cong_van.docx")))
    assert [p.text[:12] for p in paragraphs] == [
        "Thực hiện Kế",
        "1. Thông báo",
        "2. Rà soát m",
        "3. Gửi danh ",
        "Đề nghị Trưở",
    ]


WRONG = [
    (
        "wrong_margins",
        "margins",
        Decimal("0.5"),
        "Left margin 25 mm, it must be 30–35 mm; right margin 25 mm, it must be 15–20 mm.",
    ),
    ("arial", "font", Decimal(0), "0% of the characters are in Times New Roman; others: Arial."),
    (
        "body_12pt",
        "body_size",
        Decimal(0),
        "0 of 5 body paragraphs are 13–14 pt; paragraph 1: 12 pt",
    ),
    (
        "no_indent",
        "first_line_indent",
        Decimal(0),
        "0 of 5 body paragraphs have a first-line indent of 1–1,27 cm; paragraph 1: indent 0 cm",
    ),
    (
        "no_page_numbers",
        "page_numbers",
        Decimal(0),
        "The header has no page number (a PAGE field).",
    ),
    (
        "number_on_first_page",
        "page_numbers",
        Decimal("0.6667"),
        "The first page shows its number (set “Different first page”).",
    ),
    ("title_not_bold", "national_title", Decimal("0.875"), "The Quốc hiệu is not bold."),
    (
        "date_upright",
        "place_date",
        Decimal("0.5"),
        "The place and date line is not (all) in italics.",
    ),
]


@pytest.mark.parametrize(("name", "key", "share", "reason"), WRONG, ids=[w[0] for w in WRONG])
def test_a_cong_van_that_breaks_one_rule_loses_that_criterion_only(
    name: str, key: str, share: Decimal, reason: str
) -> None:
    verdicts = grade(fixture(f"{name}.docx"))
    assert (verdicts[key].earned, verdicts[key].reason) == (share, reason)
    others = {k: v for k, v in earned(verdicts).items() if k != key}
    assert others == dict.fromkeys(others, ONE), {k: v.reason for k, v in verdicts.items()}


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_an_odt_is_read_through_libreoffice() -> None:
    verdicts = grade(fixture("cong_van.odt"), ".odt")
    assert earned(verdicts) == dict.fromkeys(LAYOUT, ONE), {
        k: v.reason for k, v in verdicts.items()
    }


# --- python-docx's files ----------------------------------------------------------------


def _paragraph(doc, text: str, *, size: float = 14, bold=False, italic=False, align=None):
    paragraph = doc.add_paragraph()
    run = paragraph.add_run(text)
    run.font.size, run.font.bold, run.font.italic = Pt(size), bold, italic
    paragraph.alignment = align
    return paragraph


def thong_bao(
    *,
    margins=(20, 20, 30, 15),
    font: str = "Times New Roman",
    body_size: float = 14,
    indent: float = 1.27,
    after: float = 6,
    line: float = 1.15,
    number_in_header: bool = True,
    first_page_differs: bool = True,
    landscape: bool = False,
) -> bytes:
    """A Thông báo in the decree's layout, its header block as plain paragraphs; the
    font is set once, on the Normal style."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    top, bottom, left, right = (Mm(m) for m in margins)
    section.top_margin, section.bottom_margin = top, bottom
    section.left_margin, section.right_margin = left, right
    doc.styles["Normal"].font.name = font
    center, justify = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY
    _paragraph(doc, "ỦY BAN NHÂN DÂN XÃ AN THẠNH 1", size=13, bold=True, align=center)
    _paragraph(doc, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=13, bold=True, align=center)
    _paragraph(doc, "Độc lập – Tự do – Hạnh phúc", size=14, bold=True, align=center)
    _paragraph(doc, "Số: 05/TB-UBND", size=13, align=center)
    _paragraph(
        doc, "An Thạnh 1, ngày 03 tháng 8 năm 2020", italic=True, align=WD_ALIGN_PARAGRAPH.RIGHT
    )
    _paragraph(doc, "THÔNG BÁO", bold=True, align=center)
    _paragraph(doc, "Về lịch kiểm tra kỹ năng công nghệ thông tin", bold=True, align=center)
    for text in (
        "Ủy ban nhân dân xã thông báo lịch kiểm tra kỹ năng công nghệ thông tin như sau.",
        "Thời gian: 7 giờ 30 phút, ngày 10 tháng 8 năm 2020, tại hội trường xã.",
        "Cán bộ tham dự mang theo giấy tờ tùy thân./.",
    ):
        paragraph = _paragraph(doc, text, size=body_size, align=justify)
        paragraph.paragraph_format.first_line_indent = Cm(indent)
        paragraph.paragraph_format.space_before = Pt(0)
        paragraph.paragraph_format.space_after = Pt(after)
        paragraph.paragraph_format.line_spacing = line
    _paragraph(doc, "Nơi nhận:", size=12, bold=True, italic=True)
    _paragraph(doc, "- Các ấp;", size=11)
    _paragraph(doc, "- Lưu: VT.", size=11)
    header = section.header.paragraphs[0]
    header.alignment = center
    if number_in_header:
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), " PAGE ")
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = "1"
        run.append(text)
        field.append(run)
        header._p.append(field)
    section.different_first_page_header_footer = first_page_differs
    output = io.BytesIO()
    doc.save(output)
    return output.getvalue()


def test_a_thong_bao_made_with_python_docx_in_the_layout_earns_every_criterion() -> None:
    verdicts = grade(thong_bao())
    assert earned(verdicts) == dict.fromkeys(LAYOUT, ONE), {
        k: v.reason for k, v in verdicts.items()
    }


@pytest.mark.parametrize(
    ("change", "key", "share", "reason"),
    [
        (
            {"margins": (30, 20, 30, 15)},
            "margins",
            Decimal("0.75"),
            "Top margin 30 mm, it must be 20–25 mm.",
        ),
        (
            {"font": "Arial"},
            "font",
            Decimal(0),
            "0% of the characters are in Times New Roman; others: Arial.",
        ),
        ({"body_size": 13.5}, "body_size", ONE, "3 of 3 body paragraphs are 13–14 pt"),
        (
            {"indent": 1},
            "first_line_indent",
            ONE,
            "3 of 3 body paragraphs have a first-line indent of 1–1,27 cm",
        ),
        (
            {"indent": 2},
            "first_line_indent",
            Decimal(0),
            "0 of 3 body paragraphs have a first-line indent of 1–1,27 cm; paragraph 1: indent 2 cm",
        ),
        (
            {"after": 3},
            "spacing",
            Decimal("0.5"),
            "0 of 3 body paragraphs are followed by at least 6 pt (one has 3 pt); "
            "3 of 3 have line spacing from 1–1,5 lines.",
        ),
        (
            {"line": 2},
            "spacing",
            Decimal("0.5"),
            "3 of 3 body paragraphs are followed by at least 6 pt; "
            "0 of 3 have line spacing from 1–1,5 lines (one has 2 lines).",
        ),
        (
            {"first_page_differs": False},
            "page_numbers",
            Decimal("0.6667"),
            "The first page shows its number (set “Different first page”).",
        ),
        (
            {"landscape": True},
            "paper",
            Decimal("0.5"),
            "The page is landscape, it must be portrait.",
        ),
    ],
)
def test_a_thong_bao_that_breaks_a_rule_loses_that_criterion(change, key, share, reason) -> None:
    verdict = grade(thong_bao(**change))[key]
    assert (verdict.earned, verdict.reason) == (share, reason)


def test_a_font_set_on_some_runs_counts_by_characters() -> None:
    doc = Document(io.BytesIO(thong_bao()))
    doc.paragraphs[7].runs[0].font.name = "Arial"  # the first body paragraph
    output = io.BytesIO()
    doc.save(output)
    verdict = grade(output.getvalue(), criteria=specs("font"))["font"]
    assert (verdict.earned, verdict.reason) == (
        Decimal("0.8110"),
        "81,1% of the characters are in Times New Roman; others: Arial.",
    )


def test_the_starter_is_the_raw_text_in_python_docxs_plain_layout() -> None:
    data = document.make_starter({"title": "Công văn", "text": "Đoạn một.\n\nĐoạn hai.\nĐoạn ba."})
    assert data is not None
    assert [p.text for p in Document(io.BytesIO(data)).paragraphs] == [
        "Công văn",
        "Đoạn một.",
        "Đoạn hai.",
        "Đoạn ba.",
    ]
    verdicts = grade(data)
    assert verdicts["paper"].reason == "Paper 215,9 × 279,4 mm, A4 is 210 × 297 mm."
    assert (verdicts["margins"].earned, verdicts["margins"].reason) == (
        Decimal("0.25"),
        "Top margin 25,4 mm, it must be 20–25 mm; bottom margin 25,4 mm, it must be 20–25 mm; "
        "right margin 31,7 mm, it must be 15–20 mm.",
    )
    assert (
        verdicts["font"].reason == "0% of the characters are in Times New Roman; others: Cambria."
    )
    assert verdicts["national_title"].earned == 0
    assert document.make_starter({"text": "  \n"}) is None
    assert document.make_starter({}) is None


def test_required_text_is_found_whatever_its_case_spacing_and_unicode_form() -> None:
    criteria = specs(
        "contains_text",
        contains_text={"phrases": ["LỊCH KIỂM   TRA", "Hội trường\nXÃ", "họp chi bộ"]},
    )
    verdict = grade(thong_bao(), criteria=criteria)["contains_text"]
    assert verdict.earned == Decimal("0.6667")
    assert verdict.reason == "2 of 3 required phrases are there; missing: “họp chi bộ”."
    nfd = unicodedata.normalize("NFD", "lịch kiểm tra")
    criteria = specs("contains_text", contains_text={"phrases": [nfd]})
    assert grade(thong_bao(), criteria=criteria)["contains_text"].earned == ONE


# --- files that cannot be graded --------------------------------------------------------

NOT_A_DOCUMENT = (
    "The file is not a Word document (.docx) or OpenDocument text (.odt) that can be opened."
)


def _all_zero(verdicts: dict, reason: str) -> None:
    assert list(verdicts) == LAYOUT
    assert {(v.earned, v.reason) for v in verdicts.values()} == {(Decimal(0), reason)}


def test_a_corrupt_zip_gets_every_criterion_zero() -> None:
    _all_zero(grade(fixture("cong_van.docx")[:3000]), NOT_A_DOCUMENT)


def test_a_text_file_renamed_docx_gets_every_criterion_zero() -> None:
    _all_zero(grade("Công văn số 12".encode()), NOT_A_DOCUMENT)


def test_a_text_file_renamed_odt_is_refused_without_libreoffice() -> None:
    _all_zero(grade(b"plain text", ".odt"), NOT_A_DOCUMENT)


def test_an_empty_file_and_an_empty_document_get_every_criterion_zero() -> None:
    _all_zero(grade(b""), "The file is empty.")
    output = io.BytesIO()
    Document().save(output)
    _all_zero(grade(output.getvalue()), "The document is empty: it holds no text.")


def test_another_extension_gets_every_criterion_zero() -> None:
    _all_zero(
        grade(thong_bao(), ".pdf"),
        "The file must be a Word document (.docx) or an OpenDocument text (.odt).",
    )


def _with_document_xml(chunks) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(thong_bao()))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != "word/document.xml":
                target.writestr(item, source.read(item))
        with target.open("word/document.xml", "w", force_zip64=True) as stream:
            for chunk in chunks:
                stream.write(chunk)
    return output.getvalue()


def test_a_zip_bomb_stops_at_the_cap() -> None:
    data = _with_document_xml([b" " * 2**20] * 25)
    assert len(data) < 200_000
    _all_zero(grade(data), "The file is too large once unpacked: it cannot be graded.")


def test_a_document_with_entities_is_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"
    )
    _all_zero(grade(_with_document_xml([bomb])), NOT_A_DOCUMENT)


def test_an_unknown_criterion_earns_nothing_and_the_others_are_graded() -> None:
    verdicts = document.grade(thong_bao(), ".docx", specs("watermark", "font"), starter={})
    assert [(v.key, v.earned, v.reason) for v in verdicts] == [
        ("watermark", Decimal(0), "“watermark” is not a criterion of a document task."),
        ("font", ONE, "Every character is in Times New Roman."),
    ]


# --- the author's criteria ----------------------------------------------------------------


def test_the_catalogues_defaults_pass_validation() -> None:
    assert document.validate_specs(specs()) == []
    assert (
        document.validate_specs(specs("contains_text", contains_text={"phrases": ["Kính gửi"]}))
        == []
    )


def test_validation_names_the_criterion_of_each_problem() -> None:
    problems = document.validate_specs(
        [
            {"key": "margins", "weight": "-1", "params": {"left": [35, 30]}},
            {"key": "ruler", "weight": "1"},
            {"key": "font", "weight": "abc", "params": {"name": "", "colour": "red"}},
            {"key": "contains_text", "weight": "1"},
        ]
    )
    assert problems == [
        "Page margins: the weight must be a positive number.",
        "Page margins: “left” must be two positive numbers, the smaller first (e.g. [20, 25]).",
        "Criterion 2: “ruler” is not a criterion of a document task.",
        "Times New Roman font: the weight must be a positive number.",
        "Times New Roman font: unknown parameter “colour”.",
        "Times New Roman font: “name” must be the name of a font (e.g. Times New Roman).",
        "Required text: “phrases” must be a list of the texts the document must hold.",
    ]
    assert document.validate_specs([]) == ["The task must have at least one criterion."]


# --- single lines of the layout -------------------------------------------------------------


def edited(change) -> bytes:
    """The Thông báo with `change(doc)` applied, saved again by python-docx."""
    doc = Document(io.BytesIO(thong_bao()))
    change(doc)
    output = io.BytesIO()
    doc.save(output)
    return output.getvalue()


def _line(doc, start: str):
    return next(p for p in doc.paragraphs if p.text.startswith(start))


def test_a_noi_nhan_heading_upright_and_too_big_loses_half() -> None:
    def change(doc) -> None:
        run = _line(doc, "Nơi nhận").runs[0]
        run.font.italic, run.font.size = False, Pt(13)

    verdict = grade(edited(change), criteria=specs("recipients"))["recipients"]
    assert (verdict.earned, verdict.reason) == (
        Decimal("0.5"),
        "“Nơi nhận:” is not in italics; “Nơi nhận:” is 13 pt, it must be 12 pt.",
    )


def test_a_quoc_hieu_typed_in_lower_case_counts_when_all_caps_draws_it_in_capitals() -> None:
    def lower(doc) -> None:
        _line(doc, "CỘNG HÒA").runs[0].text = "Cộng hoà xã hội chủ nghĩa Việt Nam"

    def lower_all_caps(doc) -> None:
        lower(doc)
        _line(doc, "Cộng hoà").runs[0].font.all_caps = True

    verdict = grade(edited(lower), criteria=specs("national_title"))["national_title"]
    assert (verdict.earned, verdict.reason) == (
        Decimal("0.875"),
        "The Quốc hiệu is not in capitals.",
    )
    assert (
        grade(edited(lower_all_caps), criteria=specs("national_title"))["national_title"].earned
        == ONE
    )


def test_a_number_line_without_symbol_earns_half_and_none_earns_nothing() -> None:
    def no_symbol(doc) -> None:
        _line(doc, "Số:").runs[0].text = "Số: 05"

    def no_line(doc) -> None:
        _line(doc, "Số:").runs[0].text = ""

    assert grade(edited(no_symbol), criteria=specs("number_symbol"))[
        "number_symbol"
    ].earned == Decimal("0.5")
    verdict = grade(edited(no_line), criteria=specs("number_symbol"))["number_symbol"]
    assert (verdict.earned, verdict.reason) == (Decimal(0), "The line “Số: …/…” is missing.")


def test_the_kinh_gui_line_and_its_list_are_not_body_paragraphs() -> None:
    def add_kinh_gui(doc) -> None:
        first_body = doc.paragraphs[7]
        first_body.insert_paragraph_before("Kính gửi:")
        first_body.insert_paragraph_before("- Trưởng các ấp;")
        first_body.insert_paragraph_before("- Các đoàn thể xã.")

    paragraphs = body(read_docx(edited(add_kinh_gui)))
    assert [p.text[:9] for p in paragraphs] == ["Ủy ban nh", "Thời gian", "Cán bộ th"]


def _complex_page_field(paragraph) -> None:
    """Word's own PAGE field: begin, instruction, separate, result, end."""
    for kind, text in (("begin", None), (None, " PAGE   \\* MERGEFORMAT "), ("separate", None)):
        run = OxmlElement("w:r")
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run.append(char)
        else:
            instruction = OxmlElement("w:instrText")
            instruction.text = text
            run.append(instruction)
        paragraph._p.append(run)
    paragraph.add_run("2")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)


def test_words_page_number_gallery_field_in_a_content_control_counts() -> None:
    def gallery(doc) -> None:
        header = doc.sections[0].header
        old = header.paragraphs[0]._p
        sdt, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
        old.addprevious(sdt)
        sdt.append(content)
        content.append(old)
        for child in list(old):
            if child.tag == qn("w:fldSimple"):
                old.remove(child)
        _complex_page_field(Paragraph(old, header))

    data = edited(gallery)
    fields = read_docx(data).sections[0].headers["default"]
    assert [p.has_page_field for p in fields] == [True]
    assert grade(data, criteria=specs("page_numbers"))["page_numbers"].earned == ONE


def test_a_page_number_in_the_footer_earns_nothing() -> None:
    def to_footer(doc) -> None:
        section = doc.sections[0]
        header = section.header.paragraphs[0]._p
        for child in list(header):
            if child.tag == qn("w:fldSimple"):
                header.remove(child)
        _complex_page_field(section.footer.paragraphs[0])

    verdict = grade(edited(to_footer), criteria=specs("page_numbers"))["page_numbers"]
    assert (verdict.earned, verdict.reason) == (
        Decimal(0),
        "The page number is in the footer; it must be centred in the header.",
    )


def test_exact_line_spacing_counts_from_15_pt_to_one_and_a_half_lines() -> None:
    def exactly(points: float):
        def change(doc) -> None:
            for paragraph in doc.paragraphs[7:10]:
                paragraph.paragraph_format.line_spacing = Pt(points)

        return change

    assert grade(edited(exactly(17)), criteria=specs("spacing"))["spacing"].earned == ONE
    verdict = grade(edited(exactly(12)), criteria=specs("spacing"))["spacing"]
    assert (verdict.earned, verdict.reason) == (
        Decimal("0.5"),
        "3 of 3 body paragraphs are followed by at least 6 pt; "
        "0 of 3 have line spacing from 1–1,5 lines (one has 12 pt exactly).",
    )
