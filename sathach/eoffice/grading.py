"""The grading rules of the e-office test, each with a reason the examinee can read.

The rules follow Nghị định 30/2020 (Điều 23, Phụ lục IV, "Phiếu giải quyết văn bản đến")
as written, not stricter. An incoming document passes when the main handler holds the
expected position and the instruction (ý kiến chỉ đạo) says something: it names who
handles it ("Giao Tư pháp", "Đ/c Nam tham mưu", "Chuyển VP-TK"), or it says what is to be
done in more than a bare "chuyển", "xem", "ok" or "đồng ý". A handling deadline is
required only where the document sets one ("thời hạn … (nếu có)"); one that is set is not
before the test day and, where the document sets one, not after it. Coordinators are
"phối hợp (nếu có)": one beyond the scenario's acceptable ones is judged by the scenario's
own rule (accepted, accepted with a remark, or a mistake). Every date is compared with the
task's test day, the day the leader started it, never with the calendar.

The outgoing draft passes when the validator accepts the file (see
sathach.signatures.validation) and the first signature is made with one of the examinee's
registered certificates, at the signer's place, on the draft as it was given, before the
test's deadline. A document the examinee only coordinates on (another leader is in charge)
passes when the examinee gave a coordination opinion that says something.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any

from django.utils import formats
from django.utils.translation import gettext_lazy as _

from sathach.core.text import fold
from sathach.signatures.validation import REASON_MESSAGES as SIGNATURE_MESSAGES
from sathach.signatures.validation import SignatureReport

NOT_FORWARDED = "NOT_FORWARDED"
WRONG_HANDLER = "WRONG_HANDLER"
INSTRUCTION_EMPTY = "INSTRUCTION_EMPTY"
INSTRUCTION_PLACEHOLDER = "INSTRUCTION_PLACEHOLDER"
DEADLINE_MISSING = "DEADLINE_MISSING"
DEADLINE_PAST = "DEADLINE_PAST"
DEADLINE_LATE = "DEADLINE_LATE"
NOT_SIGNED = "NOT_SIGNED"
NOT_OWN_CERTIFICATE = "NOT_OWN_CERTIFICATE"
NOT_AT_SIGNER_PLACE = "NOT_AT_SIGNER_PLACE"
DRAFT_CHANGED = "DRAFT_CHANGED"
SIGNED_LATE = "SIGNED_LATE"
WRONG_COORDINATOR = "WRONG_COORDINATOR"
COORDINATOR_MISSING = "COORDINATOR_MISSING"
NO_OPINION = "NO_OPINION"
OPINION_PLACEHOLDER = "OPINION_PLACEHOLDER"
EXTRA_COORDINATOR = "EXTRA_COORDINATOR"

MESSAGES: dict[str, Any] = {
    NOT_FORWARDED: _("The document was not forwarded for handling."),
    WRONG_HANDLER: _(
        "The main handler is not right: this document belongs to the %(expected)s civil servant."
    ),
    WRONG_COORDINATOR: _(
        "A coordinator is not right: %(wrong)s has no part in this document (acceptable: "
        "%(acceptable)s)."
    ),
    COORDINATOR_MISSING: _("This document needs a coordinator: choose one of %(acceptable)s."),
    EXTRA_COORDINATOR: _(
        "Accepted, with a remark: %(wrong)s is not among the coordinators this document "
        "needs (%(acceptable)s)."
    ),
    NO_OPINION: _("You coordinate on this document but gave no opinion to the leader in charge."),
    OPINION_PLACEHOLDER: _(
        "The coordination opinion says too little: say what you propose or what your side "
        "will do, not just “đồng ý” or “ok”."
    ),
    INSTRUCTION_EMPTY: _("There is no instruction (ý kiến chỉ đạo)."),
    INSTRUCTION_PLACEHOLDER: _(
        "The instruction says too little: write what must be done (e.g. who leads, who "
        "helps, what to report), not just “chuyển” or “xem”."
    ),
    DEADLINE_MISSING: _("No handling deadline was set."),
    DEADLINE_PAST: _("The handling deadline is in the past."),
    DEADLINE_LATE: _(
        "The handling deadline is later than the document allows: at the latest %(latest)s."
    ),
    NOT_SIGNED: _("The outgoing draft was not signed."),
    NOT_OWN_CERTIFICATE: _(
        "The signature is not made with your own registered signing certificate."
    ),
    NOT_AT_SIGNER_PLACE: _(
        "The signature is not at the signer's place (between the title and the name)."
    ),
    DRAFT_CHANGED: _("The signed file is not the draft that was given: its content changed."),
    SIGNED_LATE: _("The document was signed after the end of the test."),
    **SIGNATURE_MESSAGES,
}

# Words that say nothing on their own in an instruction (folded, without diacritics).
FILLER_WORDS = frozenset(
    [
        "chuyen",
        "xem",
        "ok",
        "oke",
        "dong",
        "y",
        "duyet",
        "xu",
        "ly",
        "giai",
        "quyet",
        "biet",
        "de",
        "nhan",
        "theo",
        "doi",
        "da",
        "can",
        "gap",
        "ngay",
        "thuc",
        "hien",
        "lam",
        "anh",
        "chi",
        "em",
        "nhe",
        "nha",
        "a",
        "va",
        "cho",
        "toi",
        "cac",
        "vb",
        "van",
        "ban",
        "nay",
    ]
)
MIN_WORDS = 3
MIN_LETTERS = 15

# How a leader names a commune's civil servant in a short instruction (folded): the
# position's usual names and abbreviations ("Chuyển VP-TK", "Giao Tư pháp").
POSITION_NAMES: dict[str, tuple[str, ...]] = {
    "van_phong_thong_ke": ("van phong", "vp", "vptk", "thong ke"),
    "dia_chinh_xay_dung": ("dia chinh", "dcxd", "dc xd", "xay dung", "moi truong"),
    "tai_chinh_ke_toan": ("tai chinh", "ke toan", "tckt", "tc kt"),
    "tu_phap_ho_tich": ("tu phap", "ho tich", "tpht", "tp ht"),
    "van_hoa_xa_hoi": ("van hoa", "xa hoi", "vhxh", "vh xh", "lao dong"),
    "chi_huy_truong_quan_su": ("quan su", "bchqs", "chqs", "chi huy truong"),
    "truong_cong_an": ("cong an", "truong ca"),
    "van_thu": ("van thu",),
    # The departments of a commune from 1/7/2025 (NĐ 150/2025) and their fields.
    "vp_chanh_van_phong": ("chanh van phong", "cvp", "van phong", "vp", "vp hdnd"),
    "vp_tong_hop": ("van phong", "vp", "tong hop", "van thu", "luu tru"),
    "vp_tu_phap": ("tu phap", "ho tich", "tpht", "tp ht"),
    "kt_truong_phong": ("phong kinh te", "kinh te", "pkt", "kt ht dt", "ktht"),
    "kt_tai_chinh": ("kinh te", "pkt", "tai chinh", "ke hoach", "tckh", "ngan sach"),
    "kt_nong_nghiep_moi_truong": ("kinh te", "pkt", "nong nghiep", "dat dai", "moi truong"),
    "kt_xay_dung_ha_tang": ("kinh te", "pkt", "xay dung", "ha tang", "cong thuong", "do thi"),
    "vhxh_truong_phong": ("van hoa", "xa hoi", "vhxh", "vh xh"),
    "vhxh_noi_vu": ("vhxh", "vh xh", "noi vu", "thi dua"),
    "vhxh_van_hoa": ("vhxh", "vh xh", "van hoa", "thong tin", "giao duc"),
    "vhxh_y_te_xa_hoi": ("vhxh", "vh xh", "y te", "lao dong", "xa hoi", "chinh sach"),
    "hcc_giam_doc": ("trung tam", "hanh chinh cong", "hcc", "mot cua"),
    "hcc_cong_chuc": ("trung tam", "hanh chinh cong", "hcc", "mot cua"),
}
# Words put before a person's given name ("Đ/c Nam", "anh Bình", "chị Lan").
HONORIFICS = ("d c", "dc", "dong chi", "anh", "chi", "ong", "ba", "co", "em")


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\w+", fold(text or "")))


def handler_names(people: Iterable[tuple[str, str]]) -> list[tuple[str, ...]]:
    """The word sequences that name one of a commune's civil servants, from their (full
    name, position): the full name, the given name after an honorific, and the position's
    usual names."""
    names: set[tuple[str, ...]] = set()
    for full_name, position in people:
        words = _tokens(full_name)
        if words:
            names.add(words)
            names.update(_tokens(f"{title} {words[-1]}") for title in HONORIFICS)
        names.update(_tokens(alias) for alias in POSITION_NAMES.get(position, ()))
    return sorted(names)


def _names_someone(words: tuple[str, ...], names: Iterable[tuple[str, ...]]) -> bool:
    for name in names:
        size = len(name)
        if any(words[i : i + size] == name for i in range(len(words) - size + 1)):
            return True
    return False


def instruction_problem(text: str, names: Iterable[tuple[str, ...]] = ()) -> str | None:
    """INSTRUCTION_EMPTY, INSTRUCTION_PLACEHOLDER or None for an instruction that says
    something. An instruction that names who handles the document says enough, however
    short (the "Chuyển" box of the ĐẾN stamp holds no more)."""
    words = _tokens(text)
    if not words:
        return INSTRUCTION_EMPTY
    if _names_someone(words, names):
        return None
    letters = sum(len(w) for w in words)
    if len(words) < MIN_WORDS or letters < MIN_LETTERS or set(words) <= FILLER_WORDS:
        return INSTRUCTION_PLACEHOLDER
    return None


def grade_incoming(
    *,
    forwarded: bool,
    handler_position: str | None,
    expected_position: str,
    instruction: str,
    deadline: datetime.date | None,
    given_on: datetime.date,
    latest: datetime.date | None,
    coordinator_positions: Iterable[str] = (),
    acceptable_coordinators: Iterable[str] = (),
    coordinator_required: bool = False,
    beyond: str = "wrong",
    names: Iterable[tuple[str, ...]] = (),
) -> list[str]:
    """The reasons an incoming document fails; empty when it passes. `given_on` is the test
    day; `latest` None when the document sets no deadline; `beyond` how a coordinator outside
    the acceptable ones is judged (allowed, warned, wrong); `names` what names the commune's
    civil servants in an instruction (see `handler_names`)."""
    if not forwarded:
        return [NOT_FORWARDED]
    reasons = []
    if handler_position != expected_position:
        reasons.append(WRONG_HANDLER)
    chosen = set(coordinator_positions)
    if beyond == "wrong" and chosen - set(acceptable_coordinators):
        reasons.append(WRONG_COORDINATOR)
    elif coordinator_required and not chosen & set(acceptable_coordinators):
        reasons.append(COORDINATOR_MISSING)
    problem = instruction_problem(instruction, names)
    if problem:
        reasons.append(problem)
    if deadline is None:
        if latest is not None:
            reasons.append(DEADLINE_MISSING)
    elif deadline < given_on:
        reasons.append(DEADLINE_PAST)
    elif latest is not None and deadline > latest:
        reasons.append(DEADLINE_LATE)
    return reasons


def incoming_remarks(
    *,
    forwarded: bool,
    coordinator_positions: Iterable[str],
    acceptable_coordinators: Iterable[str],
    beyond: str,
) -> list[str]:
    """What passes but is noted: a coordinator beyond the acceptable ones, where the
    scenario's rule says so."""
    extra = set(coordinator_positions) - set(acceptable_coordinators)
    return [EXTRA_COORDINATOR] if forwarded and extra and beyond == "warned" else []


def grade_coordinating(*, opinion: str, given: bool) -> list[str]:
    """The reasons a document the examinee coordinates on fails: an opinion must be given
    to the leader in charge, and it must say something (the instruction's rule)."""
    if not given or instruction_problem(opinion) == INSTRUCTION_EMPTY:
        return [NO_OPINION]
    if instruction_problem(opinion):
        return [OPINION_PLACEHOLDER]
    return []


def at_signer_place(
    report: SignatureReport, page: int, box: list[float], tolerance: float = 12.0
) -> bool:
    """The signature's widget is on the signer's page (`page` from 0) and its centre inside
    the place."""
    if report.page is None or report.rect is None or len(box) != 4:
        return False
    if report.page != page + 1:  # the validator counts pages from 1
        return False
    x = (report.rect[0] + report.rect[2]) / 2
    y = (report.rect[1] + report.rect[3]) / 2
    x1, y1, x2, y2 = box
    return (x1 - tolerance <= x <= x2 + tolerance) and (y1 - tolerance <= y <= y2 + tolerance)


def reason_message(
    code: str,
    *,
    expected: str = "",
    latest: datetime.date | None = None,
    wrong: str = "",
    acceptable: str = "",
) -> str:
    message = MESSAGES.get(code)
    if message is None:
        return code
    values = {
        "expected": expected,
        "wrong": wrong,
        "acceptable": acceptable or "—",
        "latest": formats.date_format(latest, "d/m/Y") if latest else "",
    }
    return str(message) % values if "%(" in str(message) else str(message)
