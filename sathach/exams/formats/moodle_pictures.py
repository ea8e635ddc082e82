"""The pictures of a Moodle XML question, wherever Moodle keeps them.

Moodle keeps files per text: the question text, the general feedback, each answer, each
answer's feedback and each matching prompt have a file area of their own, written as
`<file name="..." path="/" encoding="base64">` children next to the `<text>` that
references them as `@@PLUGINFILE@@/name`. The bank keeps one set of pictures per question,
so two areas may hold different pictures under one name: the later one is renamed and the
references of its text follow. Moodle 1.9 wrote one picture per question as `<image>` (its
name) and `<image_base64>` (its data); Moodle's import adds it at the end of the question
text, and so does this reader.
"""

from __future__ import annotations

import base64
import binascii
import html
import xml.etree.ElementTree as ET
from urllib.parse import quote

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sathach.exams.formats.base import Image

REFERENCE = "@@PLUGINFILE@@/"
# The areas of a question whose text the bank keeps, as paths below <question>.
_KEPT_AREAS = ("questiontext", "generalfeedback", "answer", "answer/feedback", "subquestion")


def _decode(text: str | None) -> bytes | None:
    try:
        return base64.b64decode("".join((text or "").split()), validate=True)
    except (binascii.Error, ValueError):
        return None


def _rewrite(area: ET.Element, old: str, new: str) -> None:
    text = area.find("text")
    if text is None or not text.text:
        return
    for form in {old, quote(old)}:
        text.text = text.text.replace(REFERENCE + form, REFERENCE + quote(new, safe="/"))


class _Pictures:
    def __init__(self) -> None:
        self.images: list[Image] = []

    def keep(self, name: str, content: bytes) -> str:
        """The name under which the question keeps this picture."""
        taken = {image.name: image.content for image in self.images}
        if taken.get(name) == content:
            return name
        kept, number = name, 1
        while kept in taken:
            number += 1
            kept = f"{number}-{name}"
        self.images.append(Image(kept, content))
        return kept


def read_pictures(question: ET.Element, problems: list[str], warnings: list[str]) -> list[Image]:
    """Every picture of the texts the bank keeps, with those texts' references rewritten in
    the element where a picture had to be renamed; a warning for pictures of texts the
    bank does not keep (feedback for right or wrong responses, hints, grader information)."""
    pictures = _Pictures()
    kept = 0
    for path in _KEPT_AREAS:
        for area in question.findall(path):
            for file in area.findall("file"):
                kept += 1
                name = (file.get("name") or "").strip()
                folder = (file.get("path") or "/").strip("/ ")
                if not name:
                    problems.append(_("A picture of the question has no name."))
                    continue
                content = _decode(file.text)
                if content is None:
                    problems.append(
                        _("The picture '%(name)s' is not valid base64 data.") % {"name": name}
                    )
                    continue
                original = f"{folder}/{name}" if folder else name
                stored = pictures.keep(original.replace("/", "_"), content)
                if stored != original:
                    _rewrite(area, original, stored)
    _old_image(question, pictures, problems, warnings)
    others = len(list(question.iter("file"))) - kept
    if others:
        warnings.append(
            ngettext(
                "%(count)s picture of a text that the question bank does not keep (feedback "
                "for right or wrong responses, hints, grader information) was left out.",
                "%(count)s pictures of texts that the question bank does not keep (feedback "
                "for right or wrong responses, hints, grader information) were left out.",
                others,
            )
            % {"count": others}
        )
    return pictures.images


def _old_image(
    question: ET.Element, pictures: _Pictures, problems: list[str], warnings: list[str]
) -> None:
    name = (question.findtext("image") or "").strip()
    data = question.findtext("image_base64")
    if not name and data is None:
        return
    if not name or not (data or "").strip():
        warnings.append(
            _(
                "The picture of Moodle 1.9 (<image>%(name)s</image>) comes without its data "
                "(<image_base64>); it was left out."
            )
            % {"name": name}
        )
        return
    content = _decode(data)
    if content is None:
        problems.append(_("The picture '%(name)s' is not valid base64 data.") % {"name": name})
        return
    stored = pictures.keep(name.replace("/", "_"), content)
    text = question.find("questiontext")
    if text is None:
        return
    body = text.find("text")
    if body is None:
        body = ET.SubElement(text, "text")
    current = body.text or ""
    if text.get("format", "html") != "html":
        # The bank shows a text in any other format as written; HTML keeps it so.
        current = html.escape(current.strip()).replace("\n", "<br>\n")
        text.set("format", "html")
    body.text = f'{current} <img src="{REFERENCE}{quote(stored, safe="/")}" alt="">'
