"""The question as the import/export formats see it, independent of the database.

Every reader (GIFT, Moodle XML, Aiken, xlsx) turns a file into a `ParseResult`; every writer
turns a list of `ParsedQuestion` back into a file. The bank's services store and load these;
export then import must give the same questions (text, type, answers, weights, categories).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

QuestionType = Literal[
    "single",
    "multiple",
    "truefalse",
    "shortanswer",
    "matching",
    "numerical",
    "essay",
    "description",
]
TextFormat = Literal["plain", "html", "markdown", "moodle"]
Difficulty = Literal["easy", "medium", "hard"]
DIFFICULTY_TAG_PREFIX = "difficulty:"


@dataclass
class Answer:
    """One choice (single, multiple) or one accepted answer (shortanswer).

    `fraction` is the weight as a share of the mark, from -1 to 1: Moodle's `fraction="50"`
    and GIFT's `%50%` are Decimal("0.5"); a right answer of a single question is 1."""

    text: str
    fraction: Decimal
    feedback: str = ""


@dataclass
class NumericalAnswer:
    value: Decimal
    tolerance: Decimal = Decimal(0)
    fraction: Decimal = Decimal(1)
    feedback: str = ""


@dataclass
class MatchPair:
    prompt: str
    answer: str


@dataclass
class Image:
    """A file embedded in the question text, referenced there as @@PLUGINFILE@@/<name>."""

    name: str
    content: bytes


@dataclass
class ParsedQuestion:
    type: QuestionType
    text: str
    title: str = ""
    text_format: TextFormat = "plain"
    category: str = ""  # "IU03/Định dạng văn bản": segments joined by "/", no $course$ prefix
    answers: list[Answer] = field(default_factory=list)
    numerical: list[NumericalAnswer] = field(default_factory=list)
    pairs: list[MatchPair] = field(default_factory=list)
    truefalse: bool | None = None  # the right answer of a truefalse question
    truefalse_feedback: tuple[str, str] = ("", "")  # shown for a wrong, then a right answer
    general_feedback: str = ""
    default_mark: Decimal = Decimal(1)
    shuffle: bool = True
    tags: list[str] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    line: int | None = None  # where the question starts in a text file (1-based)
    cell: str | None = None  # where it starts in a workbook ("A7")

    @property
    def difficulty(self) -> Difficulty:
        """From a tag `difficulty:easy|medium|hard`; medium when none is given."""
        for tag in self.tags:
            if tag.startswith(DIFFICULTY_TAG_PREFIX):
                value = tag.removeprefix(DIFFICULTY_TAG_PREFIX)
                if value in ("easy", "medium", "hard"):
                    return value  # type: ignore[return-value]
        return "medium"

    @property
    def module(self) -> str | None:
        """The IT-skill module (IU01-IU06) named by the category's first segment."""
        head = self.category.split("/", 1)[0].strip().upper()
        if len(head) == 4 and head.startswith("IU") and head[2:] in {f"0{n}" for n in range(1, 7)}:
            return head
        return None


@dataclass
class Issue:
    """An error or warning at a place in the file: `line` for text formats, `cell` for xlsx,
    with the title of the cell's column (`column`) where the sheet has one."""

    message: str
    line: int | None = None
    cell: str | None = None
    column: str = ""

    @property
    def row(self) -> int | None:
        """The row of the sheet (the number in `cell`), or the line of a text file."""
        if self.cell:
            return int(self.cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        return self.line

    @property
    def letter(self) -> str:
        """The column's letter in `cell` ("B" of "B7"); empty for a text file."""
        return (self.cell or "").rstrip("0123456789")

    def as_json(self) -> dict[str, object]:
        place: dict[str, object] = {"cell": self.cell} if self.cell else {"line": self.line}
        return {**place, "message": self.message}


@dataclass
class ParseResult:
    questions: list[ParsedQuestion] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    # The file is not in the format at all (a CSV read as GIFT, a Word file as a workbook):
    # its one error says so, and no page names the format as what was read.
    refused: bool = False
