"""The grader of a presentation task (IU05, Trình chiếu): the leader makes a .pptx (or an
.odp, read through LibreOffice) from a starter or from nothing, and uploads it.

Everything is read from the slides' XML (through python-pptx, whose parser resolves no
entities): the number of slides, the first slide's title, each slide's layout, the pictures
and the transitions. A slide's layout is judged by the kinds of its placeholders (those its
layout gave it), not by the layout's name, since LibreOffice and PowerPoint name their
layouts differently (and in the user's language): see `layout_kind` and
docs/practical/presentation.md.
"""

from __future__ import annotations

import functools
import io
import logging
import unicodedata
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from lxml import etree

from sathach.core.errors import DomainError
from sathach.practical import office
from sathach.practical.graders.base import (
    ONE,
    ZERO,
    Criterion,
    Verdict,
    all_zero,
    params_of,
    share,
    validate_against,
)
from sathach.practical.graders.presentation_rules import (
    LAYOUT_KINDS,
    as_count,
    layout_label,
    validate_contains,
    validate_layout,
    validate_phrases,
    validate_range,
    validate_transition,
)

logger = logging.getLogger(__name__)

KIND = "presentation"
EXTENSIONS = (".pptx", ".odp")

# A leader's presentation is a few slides and pictures; beyond these it is not one.
MAX_BYTES = 50 * 1024 * 1024
MAX_UNPACKED = 200 * 1024 * 1024
MAX_ENTRIES = 5000
MAX_SLIDES = 200
_STARTER_SLIDES = 50
_STARTER_LINES = 30

NS = {
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
}
# Placeholders that say nothing of a layout's kind: the footer's date, text and number.
_FURNITURE = {"dt", "ftr", "sldNum", "hdr", "sldImg"}
_TITLES = {"title", "ctrTitle"}
# A transition's children that are no visual effect (a sound, extensions).
_NOT_EFFECTS = {"sndAc", "extLst"}
# A film or a sound shows as a picture (its poster frame) holding one of these.
_MEDIA = " | ".join(
    f"./p:nvPicPr/p:nvPr/a:{name}"
    for name in ("videoFile", "audioFile", "quickTimeFile", "wavAudioFile")
)

CRITERIA: dict[str, Criterion] = {
    "slide_count": Criterion(
        "slide_count",
        gettext_lazy("Number of slides"),
        {"min": 3, "max": None},
        validate_range,
    ),
    "title_slide": Criterion(
        "title_slide",
        gettext_lazy("A title slide first"),
        {"contains": ""},
        validate_contains,
    ),
    "layout": Criterion(
        "layout",
        gettext_lazy("Slide layouts"),
        {"layout": "title_and_content", "min": 1},
        validate_layout,
    ),
    "picture": Criterion(
        "picture",
        gettext_lazy("Pictures on the slides"),
        {"min": 1},
        validate_range,
    ),
    "transition": Criterion(
        "transition",
        gettext_lazy("Slide transitions"),
        {"all": True, "min": 1},
        validate_transition,
    ),
    "contains_text": Criterion(
        "contains_text",
        gettext_lazy("Required content"),
        {"phrases": []},
        validate_phrases,
    ),
}


@dataclass(frozen=True)
class SlideFacts:
    """What the criteria need of one slide, read once."""

    layout: str  # one of LAYOUT_KINDS
    title: str  # the text of its title placeholder, NFC, white space collapsed
    centred_title: bool  # its title placeholder is a centred (title slide) one
    pictures: int
    transition: bool
    text: str  # all its text, NFC, folded for comparison


@functools.cache
def _compiled(expression: str) -> etree.XPath:
    return etree.XPath(expression, namespaces=NS)


def _xpath(element: Any, expression: str) -> Any:
    """The nodes `expression` finds, with this module's prefixes (python-pptx's own
    `xpath` knows only its fixed ones, and no markup compatibility)."""
    return _compiled(expression)(element)


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _key(text: str) -> str:
    return _norm(text).casefold()


def _placeholder_types(element: Any) -> list[str]:
    """The placeholder types of a slide or layout, "obj" where the type is left out (the
    format's default), without the footer's furniture."""
    types = []
    for ph in _xpath(element, "./p:cSld/p:spTree//p:nvPr/p:ph"):
        kind = ph.get("type") or "obj"
        if kind not in _FURNITURE:
            types.append(kind)
    return types


def layout_kind(types: list[str]) -> str:
    """The kind of a layout from its placeholder types: a centred title (PowerPoint), or a
    title with a subtitle (LibreOffice writes no centred title), makes a title slide;
    otherwise the number of content placeholders (body, object, picture, table, chart, a
    lone subtitle...) beside the title decides."""
    has_title = any(kind in _TITLES for kind in types)
    if "ctrTitle" in types or (has_title and "subTitle" in types):
        return "title"
    contents = sum(1 for kind in types if kind not in _TITLES)
    if not has_title:
        return "blank" if contents == 0 else "content_only"
    return {0: "title_only", 1: "title_and_content", 2: "two_content"}.get(contents, "many_content")


def _paragraphs(element: Any) -> list[str]:
    return ["".join(_xpath(p, ".//a:t/text()")) for p in _xpath(element, ".//a:p")]


def _title_of(slide_element: Any) -> tuple[str, bool]:
    for sp in _xpath(slide_element, "./p:cSld/p:spTree//p:sp"):
        ph = _xpath(sp, "./p:nvSpPr/p:nvPr/p:ph")
        if ph and ph[0].get("type") in _TITLES:
            return _norm(" ".join(_paragraphs(sp))), ph[0].get("type") == "ctrTitle"
    return "", False


def _pictures(slide_element: Any) -> int:
    """Pictures embedded in the slide, in groups and placeholders too; a linked picture (it
    would not show on another computer) and a film or sound's poster are not counted."""
    count = 0
    for pic in _xpath(slide_element, "./p:cSld/p:spTree//p:pic"):
        if _xpath(pic, _MEDIA):
            continue
        if _xpath(pic, "./p:blipFill/a:blip/@r:embed"):
            count += 1
    return count


def _has_transition(slide_element: Any) -> bool:
    """A transition with a visual effect: p:transition on the slide, or in a
    markup-compatibility block as PowerPoint writes its newer effects (and LibreOffice its
    own). An empty p:transition only times the advance: it is no effect."""
    found = _xpath(
        slide_element,
        "./p:transition | ./mc:AlternateContent/mc:Choice/p:transition"
        " | ./mc:AlternateContent/mc:Fallback/p:transition",
    )
    for transition in found:
        for child in transition:
            if isinstance(child.tag, str) and child.tag.split("}")[-1] not in _NOT_EFFECTS:
                return True
    return False


def _safe_zip(data: bytes) -> bool:
    """A zip of sane size: not a bomb that unpacks to gigabytes nor a swarm of entries."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return len(infos) <= MAX_ENTRIES and sum(i.file_size for i in infos) <= MAX_UNPACKED


def read_slides(data: bytes) -> list[SlideFacts]:
    """The facts of each slide of a .pptx; raises on a file python-pptx cannot read."""
    from pptx import Presentation  # imported here: only this grader needs it

    deck = Presentation(io.BytesIO(data))
    facts = []
    for slide in list(deck.slides)[:MAX_SLIDES]:
        element = slide.element
        # The slide's own placeholders, which PowerPoint and Impress copy from the layout
        # chosen; a slide without any (its text in plain text boxes) goes by its layout's.
        # Not the layout alone: LibreOffice 7.4 saves the slides of a .pptx it opened
        # linked to a "Blank Slide" layout, their title and content placeholders kept.
        types = _placeholder_types(element) or _placeholder_types(slide.slide_layout.element)
        title, centred = _title_of(element)
        facts.append(
            SlideFacts(
                layout=layout_kind(types),
                title=title,
                centred_title=centred,
                pictures=_pictures(element),
                transition=_has_transition(element),
                text=_key("\n".join(_paragraphs(element))),
            )
        )
    return facts


def _pptx_bytes(data: bytes, extension: str) -> bytes:
    if extension.lower() == ".odp":
        return office.convert_bytes(data, ".odp", "pptx")
    return data


def grade(
    data: bytes, extension: str, specs: Sequence[Any], *, starter: Any = None
) -> list[Verdict]:
    """One verdict per criterion of `specs`, in order; never raises on the leader's file."""
    # A criterion that is not an object (a broken task) is graded as an unknown one.
    rows = [spec if isinstance(spec, Mapping) else {} for spec in specs]
    if extension.lower() not in EXTENSIONS:
        return all_zero(rows, _("The file must be a presentation (.pptx or .odp)."))
    if not data:
        return all_zero(rows, _("The file is empty."))
    if len(data) > MAX_BYTES or not _safe_zip(data):
        return all_zero(rows, _("The file is not a presentation that can be opened."))
    try:
        slides = read_slides(_pptx_bytes(data, extension))
    except DomainError as error:
        return all_zero(rows, str(error))
    except Exception:  # a leader's file may break python-pptx in any way
        logger.info("A presentation could not be read", exc_info=True)
        return all_zero(rows, _("The file is not a presentation that can be opened."))
    return [_verdict(spec, slides) for spec in rows]


def _verdict(spec: Mapping[str, Any], slides: list[SlideFacts]) -> Verdict:
    key = str(spec.get("key", "")) if isinstance(spec, Mapping) else ""
    criterion = CRITERIA.get(key)
    if criterion is None:
        return Verdict(key, ZERO, _("This criterion is not known to the grader."))
    params = params_of(spec, criterion)
    problems = criterion.validate(params) if criterion.validate else []
    if problems:
        return Verdict(key, ZERO, problems[0])
    earned, reason = _CHECKS[key](params, slides)
    return Verdict(key, earned, reason)


def _check_slide_count(params: Mapping[str, Any], slides: list[SlideFacts]) -> tuple[Decimal, str]:
    low, high = as_count(params.get("min"), 0), as_count(params.get("max"), 0)
    count = len(slides)
    fits = count >= low and (not high or count <= high)
    if high:
        wanted = _("%(min)s to %(max)s") % {"min": low, "max": high}
    else:
        wanted = _("at least %(min)s") % {"min": low}
    reason = _("%(count)s slides, %(wanted)s wanted.") % {"count": count, "wanted": wanted}
    return (ONE if fits else ZERO), reason


def _check_title_slide(params: Mapping[str, Any], slides: list[SlideFacts]) -> tuple[Decimal, str]:
    if not slides:
        return ZERO, _("The presentation has no slide.")
    first = slides[0]
    if first.layout != "title" and not first.centred_title:
        return ZERO, _("The first slide does not use a title slide layout.")
    if not first.title:
        return ZERO, _("The title of the first slide is empty.")
    wanted = _norm(str(params.get("contains") or ""))
    if wanted and wanted.casefold() not in first.title.casefold():
        return ZERO, _("The title “%(title)s” does not contain “%(wanted)s”.") % {
            "title": first.title[:120],
            "wanted": wanted,
        }
    return ONE, _("Title slide: “%(title)s”.") % {"title": first.title[:120]}


def _check_layout(params: Mapping[str, Any], slides: list[SlideFacts]) -> tuple[Decimal, str]:
    kind = str(params.get("layout"))
    need = max(as_count(params.get("min"), 1), 1)
    count = sum(1 for slide in slides if slide.layout == kind)
    reason = _("%(count)s slides use the layout “%(layout)s”, %(need)s wanted.") % {
        "count": count,
        "layout": layout_label(kind),
        "need": need,
    }
    return share(min(count, need), need), reason


def _check_picture(params: Mapping[str, Any], slides: list[SlideFacts]) -> tuple[Decimal, str]:
    need = max(as_count(params.get("min"), 1), 1)
    count = sum(slide.pictures for slide in slides)
    reason = _("%(count)s pictures on the slides, at least %(need)s wanted.") % {
        "count": count,
        "need": need,
    }
    return share(min(count, need), need), reason


def _check_transition(params: Mapping[str, Any], slides: list[SlideFacts]) -> tuple[Decimal, str]:
    total = len(slides)
    count = sum(1 for slide in slides if slide.transition)
    if params.get("all"):
        reason = _("%(count)s of %(total)s slides have a transition; every slide should.") % {
            "count": count,
            "total": total,
        }
        return share(count, total), reason
    need = max(as_count(params.get("min"), 1), 1)
    reason = _("%(count)s slides have a transition, at least %(need)s wanted.") % {
        "count": count,
        "need": need,
    }
    return share(min(count, need), need), reason


def _check_contains_text(
    params: Mapping[str, Any], slides: list[SlideFacts]
) -> tuple[Decimal, str]:
    phrases = [_norm(str(p)) for p in params.get("phrases") or [] if _norm(str(p))]
    text = "\n".join(slide.text for slide in slides)
    missing = [phrase for phrase in phrases if phrase.casefold() not in text]
    if not missing:
        return ONE, _("Every required phrase is on the slides.")
    reason = _("Missing from the slides: %(phrases)s.") % {
        "phrases": ", ".join(f"“{phrase}”" for phrase in missing[:5])
    }
    return share(len(phrases) - len(missing), len(phrases)), reason


_CHECKS = {
    "slide_count": _check_slide_count,
    "title_slide": _check_title_slide,
    "layout": _check_layout,
    "picture": _check_picture,
    "transition": _check_transition,
    "contains_text": _check_contains_text,
}


def validate_specs(specs: Any) -> list[str]:
    """The problems of a task's criteria, in Vietnamese, each naming its criterion (the
    rules every kind shares: graders.base.validate_against)."""
    return validate_against(
        specs,
        CRITERIA,
        lambda number, key: (
            _("Criterion %(n)s: “%(key)s” is not a criterion of a presentation task.")
            % {"n": number, "key": key}
        ),
    )


def _clean(text: Any, limit: int) -> str:
    """Text for python-pptx: NFC, without the control characters XML cannot hold."""
    value = unicodedata.normalize("NFC", str(text))[:limit]
    return "".join(ch for ch in value if ch in "\t\n" or ord(ch) >= 0x20)


def make_starter(starter: Any) -> bytes | None:
    """The .pptx the leader downloads: each of the starter's slides with its title and its
    lines, all on the plain "Title and Content" layout (the leader picks the layouts, adds
    the pictures and the transitions); None, to start from nothing, without slides."""
    slides = starter.get("slides") if isinstance(starter, Mapping) else None
    if not isinstance(slides, list) or not slides:
        return None
    from pptx import Presentation

    deck = Presentation()
    title_and_content = deck.slide_layouts[1]
    for given in slides[:_STARTER_SLIDES]:
        given = given if isinstance(given, Mapping) else {}
        slide = deck.slides.add_slide(title_and_content)
        title, body = slide.placeholders[0], slide.placeholders[1]
        title.text_frame.text = _clean(given.get("title") or "", 500)
        lines = given.get("lines") or []
        lines = [_clean(line, 1000) for line in lines] if isinstance(lines, list) else []
        body.text_frame.text = "\n".join(line.replace("\n", " ") for line in lines[:_STARTER_LINES])
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


__all__ = [
    "CRITERIA",
    "EXTENSIONS",
    "KIND",
    "LAYOUT_KINDS",
    "grade",
    "make_starter",
    "validate_specs",
]


# What the task editor and the bank's page call each parameter.
PARAM_LABELS = {
    "min": gettext_lazy("at least"),
    "max": gettext_lazy("at most"),
    "contains": gettext_lazy("the title contains"),
    "layout": gettext_lazy("layout"),
    "all": gettext_lazy("on every slide"),
    "phrases": gettext_lazy("required phrases"),
}
