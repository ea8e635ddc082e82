"""Every word a user reads is Vietnamese and human (issue 17, point 3).

The demo is loaded once; each of its accounts signs in and follows, breadth first, every
same-site link it can reach from the home page, downloads included (workbooks, Word files,
PDFs through pdftotext). The visible text of each page and file must hold no common English
word outside a short allow-list, no snake_case identifier, no Python literal, no ISO date
and no percentage written with a dot.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from collections import deque
from collections.abc import Iterator
from html.parser import HTMLParser
from io import StringIO
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.core.management import call_command
from django.test import TestCase
from django.urls import Resolver404, resolve, reverse

from sathach.eoffice.models import Event, Task
from sathach.organization.models import Person, Position, User

MAX_PAGES_PER_ROLE = 400
# A URL pattern (with the same query keys) is followed this many times per role: enough to
# see a list, an object of each kind and their downloads, without walking every leader.
MAX_PER_PATTERN = 3

SKIPPED_PREFIXES = ("/accounts/logout", "/admin/", "/i18n/", "/static/", "/healthz")

# Words of English a page might leak: status values, field names, labels left untranslated.
ENGLISH_WORDS = """
the of and with from by for this that these those your you our are was were will would
is be been has have had not yes true false none null default description medium easy
hard difficult difficulty type status passed failed absent pending approved rejected
draft open opened closed close running finished done started start end error errors
warning success main handler handlers position coordinators coordinator deadline bytes
leaders leader unit units content score scores result results name names code codes date
time total count rank ranking award awards certificate certificates subject issuer
serial valid invalid expired revoked signed unsigned signature signatures document
documents page pages next previous back home search filter filters submit save cancel
delete edit add new create update upload download export import question questions
answer answers choice choices option options correct wrong bank banks category
categories topic topics module modules session sessions attempt attempts exam exams
campaign campaigns report reports user users account accounts role roles email phone
password login logout sign log audit action actions summary details detail view list
task tasks job jobs queue queued progress percent minutes minute seconds second hours
hour days day week weeks month year unknown other review reviewed round retake makeup
regular appeal appeals upheld decision decisions members member council proctor examinee
officer admin district province commune people person women men female male number first
last best average mean median minimum maximum min max sum file files sheet sheets row
rows column columns cell cells value values key keys token tokens multichoice truefalse
shortanswer matching numerical essay single multiple short
"""
ENGLISH = frozenset(ENGLISH_WORDS.split())
# What a Vietnamese page writes as is: formats, standards, abbreviations people use.
ALLOWED = {
    "pdf",
    "excel",
    "word",
    "docx",
    "xlsx",
    "pin",
    "ca",
    "ok",
    "email",
    "gift",
    "moodle",
    "xml",
    "aiken",
    "svg",
    "png",
    "id",
    "usb",
    "pkcs",
    "pades",
    "crl",
    "sha",
    "url",
    "it",
    "iu",
    "token",  # "USB token": the name the devices are sold under
}
# Names of programs' menus, keys and functions that the IT-skills questions teach as the
# program shows them; they are removed from a text before its words are checked.
SOFTWARE_TERMS = re.compile(
    r"File Explorer|Times New Roman|Freeze Panes|Merge & Center|Page Layout|Print Area|"
    r"Set Print Area|Presenter View|Header & Footer|Slide number|Apply to All|"
    r"Continue with the current selection|Start > Power > Shut down|Data > Filter|"
    r"\b(?:View|Home|Insert|Start|File) >|phím Delete|"
    # Word's Draft view and the Windows folders (C:\Users\…\Documents) that questions of
    # the shipped bank name, in its export.
    r"\bDraft\b|\bUsers\b|\bDocuments\b"
)

# Not read as wording: scripts and styles, and commands shown to be typed as they are.
HIDDEN_TAGS = ("script", "style", "template", "code", "kbd", "samp")
VISIBLE_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
SNAKE_CASE = re.compile(r"\b[a-z]+_[a-z_]+\b")
PYTHON_LITERAL = re.compile(r"\{'|': |\bTrue\b|\bFalse\b|\bNone\b|\[\]|\{\}")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
DOT_PERCENT = re.compile(r"\b\d+\.\d+\s?%")
CERTIFICATE_NAME = re.compile(r"\b(?:CN|OU)=|\b\d+(?:\.\d+){3,}=|[,+](?:O|C|L|ST)=")
TOKEN = re.compile(r"\S+")
WORD = re.compile(r"^[^\w]*([A-Za-z]+)[^\w]*$")


class VisibleText(HTMLParser):
    """The text a reader sees: data outside script and style, and the attributes read aloud
    or shown on hover."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN_TAGS:
            self.hidden += 1
        values = dict(attrs)
        for name in VISIBLE_ATTRIBUTES:
            if values.get(name):
                self.parts.append(values[name] or "")
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"] or "")
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN_TAGS and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden and data.strip():
            self.parts.append(data)


def problems_in(text: str) -> Iterator[str]:
    """Each offending snippet of a text, with a little of what surrounds it."""

    def around(start: int, end: int) -> str:
        return " ".join(text[max(0, start - 30) : end + 30].split())

    for pattern, label in (
        (SNAKE_CASE, "snake_case"),
        (PYTHON_LITERAL, "Python"),
        (ISO_DATE, "ISO date"),
        (DOT_PERCENT, "dot percentage"),
        (CERTIFICATE_NAME, "certificate name"),
    ):
        for found in pattern.finditer(text):
            yield f"{label}: {around(found.start(), found.end())!r}"
    words = SOFTWARE_TERMS.sub(lambda term: " " * len(term.group()), text)
    for found in TOKEN.finditer(words):
        token = found.group()
        if any(c.isdigit() or c in "./@_:=\\" for c in token) or token.isupper():
            continue  # codes, abbreviations, file and user names, addresses: not wording
        word = WORD.match(token)
        if word and word.group(1).lower() in ENGLISH and word.group(1).lower() not in ALLOWED:
            yield f"English {word.group(1)!r}: {around(found.start(), found.end())!r}"


def xlsx_text(content: bytes) -> str:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    parts = []
    for sheet in book.worksheets:
        parts.append(sheet.title)
        for row in sheet.iter_rows(values_only=True):
            parts.extend(str(value) for value in row if isinstance(value, str))
    return "\n".join(parts)


def docx_text(content: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(content))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def pdf_text(content: bytes) -> str:
    if not shutil.which("pdftotext"):
        return ""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(content)
        handle.flush()
        result = subprocess.run(
            ["pdftotext", "-q", handle.name, "-"], capture_output=True, check=False, timeout=30
        )
    return result.stdout.decode("utf-8", "replace")


def pattern_of(url: str) -> str | None:
    """The URL pattern a link resolves to, with its query's keys; None outside the site."""
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    keys = sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair})
    return f"{match.route}?{','.join(keys)}"


class EveryPageIsVietnameseTestCase(TestCase):
    """`load_demo` once: the 2020 demo, its played campaign and its open practice round."""

    @classmethod
    def setUpTestData(cls) -> None:
        call_command("load_demo", stdout=StringIO())

    def crawl(self, username: str) -> tuple[list[str], int]:
        self.client.force_login(User.objects.get(username=username))
        seen = {"/"}
        per_pattern: dict[str, int] = {}
        queue = deque(["/"])
        problems: list[str] = []
        visited = 0
        while queue and visited < MAX_PAGES_PER_ROLE:
            url = queue.popleft()
            response: Any = self.client.get(url)
            visited += 1
            if response.status_code in (301, 302):
                continue
            self.assertLess(response.status_code, 500, url)
            kind = response.get("Content-Type", "")
            content = b"".join(response) if response.streaming else response.content
            if "html" in kind:
                parser = VisibleText()
                parser.feed(content.decode())
                text = "\n".join(parser.parts)
                for href in parser.links:
                    link = urljoin(url, href).split("#")[0]
                    parts = urlsplit(link)
                    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
                        continue
                    link = parts.path + (f"?{parts.query}" if parts.query else "")
                    if link in seen or link.startswith(SKIPPED_PREFIXES):
                        continue
                    seen.add(link)
                    pattern = pattern_of(link)
                    if pattern is None or per_pattern.get(pattern, 0) >= MAX_PER_PATTERN:
                        continue
                    per_pattern[pattern] = per_pattern.get(pattern, 0) + 1
                    queue.append(link)
            elif "spreadsheetml" in kind:
                text = xlsx_text(content)
            elif "wordprocessingml" in kind:
                text = docx_text(content)
            elif "pdf" in kind:
                text = pdf_text(content)
            else:
                continue
            problems.extend(f"{username} {url}: {problem}" for problem in problems_in(text))
        return problems, visited

    def test_every_page_and_download_of_every_demo_role_reads_vietnamese(self) -> None:
        examinee = Person.objects.get(unit__code="31627", position=Position.CHAIRMAN).user
        assert examinee is not None
        problems: list[str] = []
        for username in (
            "noivu.admin",
            "tinh.admin",
            "hoidong.chutich",
            "anthanh1.vanphong",
            "giamthi",
            examinee.username,
        ):
            found, visited = self.crawl(username)
            self.assertGreater(visited, 3, username)
            problems.extend(found)
        unique = list(dict.fromkeys(problems))
        self.assertEqual(unique, [], f"{len(unique)} problems:\n" + "\n".join(unique[:300]))

    def test_the_review_of_an_e_office_test_with_forwarding_and_signing_reads_vietnamese(
        self,
    ) -> None:
        task = (
            Task.objects.filter(events__kind=Event.Kind.FORWARDED)
            .filter(events__kind=Event.Kind.SIGNED)
            .distinct()
            .first()
        )
        assert task is not None
        self.client.force_login(User.objects.get(username="noivu.admin"))
        response = self.client.get(reverse("eoffice-review", args=[task.pk]))
        parser = VisibleText()
        parser.feed(response.content.decode())
        text = "\n".join(parser.parts)
        self.assertIn("Chuyển xử lý", text)
        self.assertIn("Ký số", text)
        self.assertEqual(list(problems_in(text)), [])

    def test_the_audit_log_writes_each_change_in_words(self) -> None:
        self.client.force_login(User.objects.get(username="noivu.admin"))
        response = self.client.get(reverse("audit-list"))
        self.assertContains(response, "người thực hiện: thí sinh")
        self.assertNotContains(response, "{&#x27;")

    def test_the_checks_catch_what_issue_17_found(self) -> None:
        found = list(
            problems_in(
                "main_handler: x; coordinators: []; by: examinee; passed: True; "
                "{'a': 1} 2026-12-20 12.5% leaders CN=Trần Thị Ngân,2.5.4.12=Chủ tịch"
            )
        )
        joined = "\n".join(found)
        for expected in (
            "snake_case",
            "Python",
            "ISO date",
            "dot percentage",
            "'leaders'",
            "certificate name",
        ):
            self.assertIn(expected, joined)
        self.assertEqual(
            list(problems_in("Đạt 12,5% ngày 20/12/2026 tệp PDF, Excel (A=50%, C=50%)")), []
        )
