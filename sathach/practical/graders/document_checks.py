"""The checks of a document's layout against Nghị định 30/2020/NĐ-CP (Phụ lục I), one
function per criterion: each takes the read document and the criterion's parameters and
returns the share earned with its reason in Vietnamese. The body paragraphs are those
of document_body.body.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from sathach.practical.graders.base import ONE, ZERO, share
from sathach.practical.graders.document_body import (
    NUMBER,
    NUMBER_FULL,
    PLACE_DATE,
    QUOC_HIEU,
    TIEU_NGU,
    body,
    is_upper,
    normalized,
    number,
    recipients_index,
    sentence,
    span,
    within,
)
from sathach.practical.graders.document_read import Docx, Para, Section

TWIPS_PER_MM = 1440 / 25.4
TOLERANCE_MM = 0.2
HALF = Decimal("0.5")

Result = tuple[Decimal, str]


def _count(right: int, total: int, what: str) -> str:
    return _("%(right)s of %(total)s %(what)s") % {"right": right, "total": total, "what": what}


def _no_body() -> Result:
    return ZERO, _("No body paragraph was found (the text between the title and “Nơi nhận”).")


def _share_of_body(
    doc: Docx, ok: Callable[[Para], bool], what: str, wrong: Callable[[Para], str]
) -> Result:
    """The share of body paragraphs for which `ok` holds; the reason names the first
    paragraph that fails and how."""
    paragraphs = body(doc)
    if not paragraphs:
        return _no_body()
    failing = [(n, p) for n, p in enumerate(paragraphs, 1) if not ok(p)]
    right = len(paragraphs) - len(failing)
    reason = _count(right, len(paragraphs), what)
    if failing:
        n, para = failing[0]
        reason += "; " + _("paragraph %(n)s: %(how)s") % {"n": n, "how": wrong(para)}
    return share(right, len(paragraphs)), reason


# --- the page -------------------------------------------------------------------------


def _mm(twips: int) -> float:
    return twips / TWIPS_PER_MM


def check_paper(doc: Docx, params: Mapping[str, Any]) -> Result:
    width, height = float(params["width"]), float(params["height"])
    tolerance = float(params["tolerance"])
    problems: list[str] = []
    right = 0
    for section in doc.sections:
        short, long_ = sorted((_mm(section.width), _mm(section.height)))
        size_ok = abs(short - width) <= tolerance and abs(long_ - height) <= tolerance
        if not size_ok:
            problems.append(
                _("paper %(w)s × %(h)s mm, A4 is %(W)s × %(H)s mm")  # noqa: RUF001
                % {
                    "w": number(_mm(section.width)),
                    "h": number(_mm(section.height)),
                    "W": number(width),
                    "H": number(height),
                }
            )
        if section.landscape:
            problems.append(_("the page is landscape, it must be portrait"))
        right += (not section.landscape) + size_ok
    total = 2 * len(doc.sections)
    if not problems:
        return ONE, _("A4 paper, portrait.")
    return share(right, total), sentence(dict.fromkeys(problems))


def check_margins(doc: Docx, params: Mapping[str, Any]) -> Result:
    sides = {
        "top": _("top margin"),
        "bottom": _("bottom margin"),
        "left": _("left margin"),
        "right": _("right margin"),
    }
    problems: list[str] = []
    right = total = 0
    for section in doc.sections:
        for side, label in sides.items():
            if side not in params:
                continue
            total += 1
            value = _mm(getattr(section, side))
            if within(value, params[side], TOLERANCE_MM):
                right += 1
            else:
                problems.append(
                    _("%(side)s %(value)s mm, it must be %(bounds)s mm")
                    % {
                        "side": label,
                        "value": number(round(value, 1)),
                        "bounds": span(params[side]),
                    }
                )
    if not problems:
        return ONE, _("The margins follow the rule.")
    return share(right, total), sentence(dict.fromkeys(problems))


# --- characters -----------------------------------------------------------------------


def check_font(doc: Docx, params: Mapping[str, Any]) -> Result:
    wanted = str(params["name"]).strip().casefold()
    others: Counter[str] = Counter()
    right = total = 0
    for para in doc.paragraphs:
        for char, run in para.chars():
            total += 1
            font = run.font_of(char)
            if font.strip().casefold() == wanted:
                right += 1
            else:
                others[font] += 1
    if not total:
        return ZERO, _("The document holds no text.")
    if right == total:
        return ONE, _("Every character is in %(font)s.") % {"font": params["name"]}
    percent = number(round(100 * right / total, 1))
    named = ", ".join(name for name, _n in others.most_common(3))
    return share(right, total), _(
        "%(percent)s%% of the characters are in %(font)s; others: %(others)s."
    ) % {
        "percent": percent,
        "font": params["name"],
        "others": named,
    }


def _sizes(para: Para) -> set[float]:
    return {run.size for _char, run in para.chars()}


def check_body_size(doc: Docx, params: Mapping[str, Any]) -> Result:
    bounds = params["size"]
    return _share_of_body(
        doc,
        lambda p: all(within(size, bounds) for size in _sizes(p)),
        _("body paragraphs are %(bounds)s pt") % {"bounds": span(bounds)},
        lambda p: _("%(sizes)s pt") % {"sizes": ", ".join(number(s) for s in sorted(_sizes(p)))},
    )


def _all(para: Para, what: str) -> bool:
    chars = list(para.chars())
    return bool(chars) and all(getattr(run, what) for _c, run in chars)


def _title_checks(para: Para | None, name: str, bounds: list[float], upper: bool) -> list[str]:
    """What is wrong with the Quốc hiệu or the Tiêu ngữ line (empty: nothing)."""
    if para is None:
        return [_("%(name)s is missing") % {"name": name}]
    problems = []
    if upper and not is_upper(para.shown):
        problems.append(_("%(name)s is not in capitals") % {"name": name})
    if not _all(para, "bold"):
        problems.append(_("%(name)s is not bold") % {"name": name})
    sizes = _sizes(para)
    if not all(within(size, bounds) for size in sizes):
        problems.append(
            _("%(name)s is %(size)s pt, it must be %(bounds)s pt")
            % {
                "name": name,
                "size": ", ".join(number(s) for s in sorted(sizes)),
                "bounds": span(bounds),
            }
        )
    if para.align != "center":
        problems.append(_("%(name)s is not centred") % {"name": name})
    return problems


def check_national_title(doc: Docx, params: Mapping[str, Any]) -> Result:
    title = next((p for p in doc.paragraphs if normalized(p.text) == QUOC_HIEU), None)
    motto = next(
        (
            p
            for p in doc.paragraphs
            if normalized(p.text).replace(" - ", "-") == TIEU_NGU.replace(" - ", "-")
        ),
        None,
    )
    problems = _title_checks(title, _("The Quốc hiệu"), params["title_size"], upper=True)
    problems += _title_checks(motto, _("the Tiêu ngữ"), params["motto_size"], upper=False)
    # Each line has four points to check; a missing line loses all four.
    missing = (title is None) + (motto is None)
    wrong = 4 * missing + len(problems) - missing
    if not problems:
        return ONE, _("Quốc hiệu and Tiêu ngữ follow the rule.")
    return share(8 - wrong, 8), sentence(problems)


def check_number_symbol(doc: Docx, params: Mapping[str, Any]) -> Result:
    for para in doc.paragraphs:
        text = normalized(para.text)
        if NUMBER_FULL.match(text):
            return ONE, _("The number and symbol line is there: “%(text)s”.") % {
                "text": para.text.strip()
            }
        if NUMBER.match(text):
            return HALF, _("The line “Số:” has no symbol after the “/” (e.g. Số: 12/UBND-VP).")
    return ZERO, _("The line “Số: …/…” is missing.")


def check_place_date(doc: Docx, params: Mapping[str, Any]) -> Result:
    for para in doc.paragraphs:
        if PLACE_DATE.match(normalized(para.text)):
            if _all(para, "italic"):
                return ONE, _("The place and date line is in italics.")
            return HALF, _("The place and date line is not (all) in italics.")
    return ZERO, _("The line “<place>, ngày … tháng … năm …” is missing.")


# --- paragraphs -----------------------------------------------------------------------


def check_first_line_indent(doc: Docx, params: Mapping[str, Any]) -> Result:
    bounds = params["cm"]
    return _share_of_body(
        doc,
        lambda p: within(p.first_line * 2.54 / 1440, bounds, 0.02),
        _("body paragraphs have a first-line indent of %(bounds)s cm") % {"bounds": span(bounds)},
        lambda p: _("indent %(cm)s cm") % {"cm": number(round(p.first_line * 2.54 / 1440, 2))},
    )


def check_body_alignment(doc: Docx, params: Mapping[str, Any]) -> Result:
    names = {"left": _("left"), "right": _("right"), "center": _("centred"), "both": _("justified")}
    return _share_of_body(
        doc,
        lambda p: p.align == "both",
        _("body paragraphs are justified"),
        lambda p: _("aligned %(how)s") % {"how": names[p.align]},
    )


def _line_ok(para: Para, params: Mapping[str, Any]) -> bool:
    low, high = (float(x) for x in params["line"])
    if para.line is None:
        return low <= 1  # single spacing
    if para.line_rule == "auto":
        return low - 0.01 <= para.line / 240 <= high + 0.01
    points = para.line / 20
    size = max(_sizes(para) or {13.0})
    # "Exactly" 15 pt or more, up to 1,5 lines of the text (a line is about 1,15 em).
    return float(params["exact_min"]) <= points <= high * 1.15 * size + 0.5


def _line_text(para: Para) -> str:
    if para.line is None:
        return _("single")
    if para.line_rule == "auto":
        return _("%(n)s lines") % {"n": number(round(para.line / 240, 2))}
    return _("%(n)s pt exactly") % {"n": number(para.line / 20)}


def _gap(first: Para, second: Para) -> float:
    """The space between two paragraphs in points: Word and Writer add the space after
    the first to the space before the second, unless both ask for none between paragraphs
    of the same style."""
    after = 0 if first.contextual and first.style == second.style else first.after
    before = 0 if second.contextual and first.style == second.style else second.before
    return (after + before) / 20


def check_spacing(doc: Docx, params: Mapping[str, Any]) -> Result:
    paragraphs = body(doc)
    if not paragraphs:
        return _no_body()
    minimum = float(params["between_min"])
    position = {id(p): i for i, p in enumerate(doc.paragraphs)}
    gaps: list[float] = []
    for para in paragraphs:
        index = position[id(para)]
        following = doc.paragraphs[index + 1] if index + 1 < len(doc.paragraphs) else None
        gaps.append(_gap(para, following) if following else para.after / 20)
    gaps_ok = sum(g >= minimum - 0.01 for g in gaps)
    lines_ok = [_line_ok(p, params) for p in paragraphs]
    n = len(paragraphs)
    reasons = [
        _count(
            gaps_ok,
            n,
            _("body paragraphs are followed by at least %(pt)s pt") % {"pt": number(minimum)},
        ),
        _count(
            sum(lines_ok),
            n,
            _("have line spacing from %(bounds)s lines") % {"bounds": span(params["line"])},
        ),
    ]
    if gaps_ok < n:
        first = next(g for g in gaps if g < minimum - 0.01)
        reasons[0] += " " + _("(one has %(pt)s pt)") % {"pt": number(first)}
    if not all(lines_ok):
        wrong = paragraphs[lines_ok.index(False)]
        reasons[1] += " " + _("(one has %(line)s)") % {"line": _line_text(wrong)}
    return share(gaps_ok + sum(lines_ok), 2 * n), sentence(reasons)


def check_recipients(doc: Docx, params: Mapping[str, Any]) -> Result:
    index = recipients_index(doc)
    if index is None:
        return ZERO, _("The “Nơi nhận:” block is missing.")
    heading = doc.paragraphs[index]
    # The heading is the text up to the colon; the rest of the paragraph (after a line
    # break) and the next non-empty paragraphs, to the first empty one, are the list.
    head_chars: list[Any] = []
    list_sizes: list[float] = []
    in_head = True
    for run in heading.runs:
        for char in run.text:
            if in_head and not char.isspace():
                head_chars.append(run)
            elif not in_head and not char.isspace():
                list_sizes.append(run.size)
            if char == ":":
                in_head = False
    for para in doc.paragraphs[index + 1 :]:
        if not para.text.strip() or para.cell != heading.cell:
            break
        list_sizes += [run.size for _c, run in para.chars()]
    problems = []
    if not all(run.bold for run in head_chars):
        problems.append(_("“Nơi nhận:” is not bold"))
    if not all(run.italic for run in head_chars):
        problems.append(_("“Nơi nhận:” is not in italics"))
    head_size = float(params["heading_size"])
    sizes = sorted({run.size for run in head_chars})
    if any(abs(size - head_size) > 0.01 for size in sizes):
        problems.append(
            _("“Nơi nhận:” is %(size)s pt, it must be %(want)s pt")
            % {"size": ", ".join(number(s) for s in sizes), "want": number(head_size)}
        )
    list_size = float(params["list_size"])
    if not list_sizes:
        problems.append(_("no recipient is listed under “Nơi nhận:”"))
    elif any(abs(size - list_size) > 0.01 for size in list_sizes):
        problems.append(
            _("the recipients are %(size)s pt, they must be %(want)s pt")
            % {
                "size": ", ".join(number(s) for s in sorted(set(list_sizes))),
                "want": number(list_size),
            }
        )
    if not problems:
        return ONE, _("The “Nơi nhận:” block follows the rule.")
    return share(4 - len(problems), 4), sentence(problems)


def _page_para(paragraphs: list[Para] | None) -> Para | None:
    return next((p for p in paragraphs or [] if p.has_page_field), None)


def check_page_numbers(doc: Docx, params: Mapping[str, Any]) -> Result:
    if not doc.sections:
        return ZERO, _("The document has no page number.")
    first: Section = doc.sections[0]
    later = first.headers.get("default")
    if later is None and len(doc.sections) > 1:
        later = doc.sections[1].headers.get("default")
    number_para = _page_para(later)
    if number_para is None:
        in_footer = any(_page_para(part) for s in doc.sections for part in s.footers.values())
        if in_footer:
            return ZERO, _("The page number is in the footer; it must be centred in the header.")
        return ZERO, _("The header has no page number (a PAGE field).")
    problems = []
    if number_para.align != "center":
        problems.append(_("the page number is not centred"))
    first_page = first.headers.get("first") if first.title_page else first.headers.get("default")
    if _page_para(first_page) is not None:
        problems.append(_("the first page shows its number (set “Different first page”)"))
    if not problems:
        return ONE, _("Page numbers are centred in the header, from page 2.")
    return share(3 - len(problems), 3), sentence(problems)


# --- text -----------------------------------------------------------------------------


def _squeezed(text: str) -> str:
    return "".join(normalized(text).split())


def check_contains_text(doc: Docx, params: Mapping[str, Any]) -> Result:
    phrases = [str(p) for p in params["phrases"] if str(p).strip()]
    if not phrases:
        return ONE, _("No text is required.")
    whole = _squeezed(" ".join(p.text for p in doc.paragraphs))
    missing = [p for p in phrases if _squeezed(p) not in whole]
    found = len(phrases) - len(missing)
    if not missing:
        return ONE, _("The required text is there.")
    return share(found, len(phrases)), _(
        "%(found)s of %(total)s required phrases are there; missing: %(missing)s."
    ) % {
        "found": found,
        "total": len(phrases),
        "missing": "; ".join(f"“{p}”" for p in missing),
    }


CHECKS: dict[str, Callable[[Docx, Mapping[str, Any]], Result]] = {
    "paper": check_paper,
    "margins": check_margins,
    "font": check_font,
    "body_size": check_body_size,
    "national_title": check_national_title,
    "number_symbol": check_number_symbol,
    "place_date": check_place_date,
    "first_line_indent": check_first_line_indent,
    "spacing": check_spacing,
    "body_alignment": check_body_alignment,
    "recipients": check_recipients,
    "page_numbers": check_page_numbers,
    "contains_text": check_contains_text,
}
