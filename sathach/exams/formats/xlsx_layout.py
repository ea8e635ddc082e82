"""The layout of the Excel template: its sheets, headers, labels and instructions.

The headers, the type and difficulty labels and the instructions are Vietnamese on
purpose and outside gettext: they are the file format, which must read the same whatever
the language of the person who exports or imports it. docs/QUESTIONS.md describes it.
"""

from __future__ import annotations

import re
from decimal import Decimal

from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from sathach.core.text import fold
from sathach.exams.formats.base import QuestionType, TextFormat
from sathach.exams.formats.common import ZERO, equal_share

SHEET = "Câu hỏi"
SHEET_EN = "questions"  # the sheet's name before, still read
INSTRUCTIONS_SHEET = "Hướng dẫn"
OPTION_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
MIN_OPTIONS = 8

# Key → header, in the order the writer puts them; the options go between "mark" and "right".
HEADERS = {
    "category": "Danh mục",
    "title": "Tiêu đề",
    "type": "Loại",
    "difficulty": "Độ khó",
    "text": "Nội dung câu hỏi",
    "mark": "Điểm",
    "right": "Đáp án đúng",
    "feedback": "Phản hồi chung",
    "tags": "Thẻ",
    "format": "Định dạng",
    "shuffle": "Trộn phương án",
}
BEFORE_OPTIONS = ("category", "title", "type", "difficulty", "text", "mark")
AFTER_OPTIONS = ("right", "feedback", "tags", "format", "shuffle")
# Other spellings of the headers, folded (lower case, no diacritics).
HEADER_ALIASES = {
    "category": {"category", "chu de"},
    "title": {"title", "ten cau hoi"},
    "type": {"type", "loai cau hoi", "kieu"},
    "difficulty": {"difficulty", "muc do"},
    "text": {"text", "question", "cau hoi", "noi dung"},
    "mark": {"mark", "default mark", "so diem"},
    "right": {"right answer", "answer", "dap an"},
    "feedback": {"general feedback", "feedback", "phan hoi"},
    "tags": {"tags", "tag"},
    "format": {"format", "text format"},
    "shuffle": {"shuffle", "tron"},
}
OPTION_HEADER = re.compile(r"^(?:phuong an|dap an|option|lua chon)?\s*([a-z])$")

TYPE_LABELS: dict[QuestionType, str] = {
    "single": "một đáp án",
    "multiple": "nhiều đáp án",
    "truefalse": "đúng/sai",
    "shortanswer": "trả lời ngắn",
    "matching": "ghép đôi",
    "numerical": "số",
    "essay": "tự luận",
    "description": "mô tả",
}
TYPE_ALIASES: dict[str, QuestionType] = {fold(label): kind for kind, label in TYPE_LABELS.items()}
TYPE_ALIASES.update(
    {kind: kind for kind in TYPE_LABELS}
    | {
        "multichoice": "single",
        "dung sai": "truefalse",
        "true/false": "truefalse",
        "tra loi ngan gon": "shortanswer",
        "match": "matching",
        "ghep cap": "matching",
        "numeric": "numerical",
        "tinh toan": "numerical",
        "thong tin": "description",
    }
)
# Moodle types the bank does not keep: a row of one is skipped with a warning.
UNSUPPORTED_TYPES = {
    "cloze",
    "multianswer",
    "ddwtos",
    "gapselect",
    "calculated",
    "calculatedmulti",
    "calculatedsimple",
    "ddimageortext",
    "ddmarker",
    "randomsamatch",
    "random",
    "ordering",
}
DIFFICULTY_LABELS = {"easy": "dễ", "medium": "trung bình", "hard": "khó"}
DIFFICULTY_ALIASES = {
    "de": "easy",
    "easy": "easy",
    "trung binh": "medium",
    "tb": "medium",
    "medium": "medium",
    "kho": "hard",
    "hard": "hard",
}
FORMAT_WORDS: dict[str, TextFormat] = {
    "plain": "plain",
    "van ban": "plain",
    "html": "html",
    "markdown": "markdown",
    "moodle": "moodle",
}
YES_WORDS = {"co", "c", "x", "yes", "y", "true", "1"}
NO_WORDS = {"khong", "k", "no", "n", "false", "0"}
TRUE_WORDS = {"dung", "d", "true", "t", "1", "co", "yes"}
FALSE_WORDS = {"sai", "s", "false", "f", "0", "khong", "no"}


def default_weights(
    texts: list[tuple[str, str]], chosen: dict[str, Decimal | None]
) -> list[tuple[str, Decimal]]:
    """The right options share the mark; each wrong one takes an equal share back, so that
    ticking every option scores nothing."""
    wrong = len(texts) - len(chosen)
    right_share = equal_share(len(chosen)) if chosen else ZERO
    wrong_share = -equal_share(wrong) if wrong else ZERO
    return [(text, right_share if letter in chosen else wrong_share) for letter, text in texts]


INSTRUCTIONS = [
    ("Cột", "Cách ghi", "Ví dụ"),
    (
        "Danh mục",
        "Mô đun và chủ đề, cách nhau bởi dấu /. Mô đun IU01 đến IU06.",
        "IU03/Định dạng văn bản",
    ),
    ("Tiêu đề", "Tên ngắn của câu hỏi (không bắt buộc).", "IU03-05 Căn lề"),
    (
        "Loại",
        "một đáp án, nhiều đáp án, đúng/sai, trả lời ngắn, ghép đôi, số, tự luận, mô tả.",
        "một đáp án",
    ),
    ("Độ khó", "dễ, trung bình hoặc khó (để trống: trung bình).", "dễ"),
    (
        "Nội dung câu hỏi",
        "Nội dung câu hỏi (bắt buộc). Xuống dòng trong ô: Alt+Enter.",
        "Phím tắt nào dùng để in văn bản?",
    ),
    ("Điểm", "Số điểm của câu hỏi (để trống: 1).", "1"),
    (
        "Phương án A, B, C...",
        "Mỗi phương án một ô. Trả lời ngắn: mỗi ô một câu trả lời được chấp nhận. "
        "Ghép đôi: mỗi ô một cặp 'vế trái -> vế phải'.",
        "Ctrl+P",
    ),
    (
        "Đáp án đúng",
        "Một đáp án: chữ cái của phương án đúng (B). Nhiều đáp án: các chữ cái (A, C), các "
        "phương án đúng chia đều điểm, mỗi phương án sai bị trừ một phần bằng nhau; hoặc ghi "
        "trọng số (A=50%, C=50%, B=-100%). Đúng/sai: Đúng hoặc Sai. Số: giá trị và sai số "
        "(3,5±0,1) hoặc khoảng (3..4). Trả lời ngắn, ghép đôi, tự luận, mô tả: để trống.",
        "A, C",
    ),
    ("Phản hồi chung", "Giải thích hiện cho người thi sau khi chấm (không bắt buộc).", ""),
    ("Thẻ", "Các thẻ khác, cách nhau bởi dấu phẩy (không bắt buộc).", "văn bản hành chính"),
    ("Định dạng", "Để trống với văn bản thường; html nếu nội dung viết bằng HTML.", ""),
    ("Trộn phương án", "Để trống: có trộn; Không: giữ nguyên thứ tự các phương án.", "Không"),
    ("", "Mỗi câu hỏi một dòng trên trang 'Câu hỏi'; không sửa dòng tiêu đề.", ""),
]


def write_instructions(sheet: Worksheet) -> None:
    for row, values in enumerate(INSTRUCTIONS, 1):
        for column, value in enumerate(values, 1):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if row == 1:
                cell.font = Font(bold=True)
    for letter, width in zip("ABC", (22, 90, 30), strict=True):
        sheet.column_dimensions[letter].width = width
