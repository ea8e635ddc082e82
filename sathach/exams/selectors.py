"""Reads of the IT-skills test, with their access rules.

The exam page is built from `attempt_page_items`, which carries the options' texts and never a
weight, a feedback or a key: what reaches the examinee's browser during a test cannot reveal
an answer.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import unquote

import nh3
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from sathach.campaigns.models import Campaign
from sathach.campaigns.pass_rules import failed_modules
from sathach.core.text import fold
from sathach.exams.grading import is_answered
from sathach.exams.models import (
    MODULES,
    PRACTICAL,
    Attempt,
    AttemptItem,
    AttemptPage,
    Blueprint,
    ExamSession,
    QuestionVersion,
    ReviewWhen,
)
from sathach.organization.permissions import Perm, user_can
from sathach.practical.page import practical_context
from sathach.practical.scoring import Row
from sathach.practical.services import slot_rows

ALLOWED_TAGS = {
    "p", "br", "b", "strong", "i", "em", "u", "sub", "sup", "ul", "ol", "li", "table", "thead",
    "tbody", "tr", "td", "th", "img", "span", "div", "pre", "code", "kbd",
}  # fmt: skip


def question_html(version: QuestionVersion, text: str | None = None) -> SafeString:
    """A question's text for the page: plain text escaped with its line breaks, HTML
    cleaned of anything but formatting and pictures, pictures pointed at their files."""
    text = version.text if text is None else text
    if version.text_format == "html":
        images = {image.name: image.file.url for image in version.images.all()}

        def picture(match: re.Match[str]) -> str:
            # Moodle writes a name's spaces and other characters URL-encoded.
            name = match.group(1)
            return images.get(name) or images.get(unquote(name), "")

        text = re.sub(r"@@PLUGINFILE@@/([^\"'\s>]+)", picture, text)
        cleaned = nh3.clean(
            text, tags=ALLOWED_TAGS, attributes={"img": {"src", "alt", "width", "height"}}
        )
        return mark_safe(cleaned)  # noqa: S308 - cleaned by nh3 just above
    return mark_safe(html.escape(text).replace("\n", "<br>"))  # noqa: S308 - escaped


@dataclass
class Choice:
    value: str
    label: str


@dataclass
class PageItem:
    """One slot as the examinee sees it: no weights, no feedback, no key. `body` is the
    question's text and its inputs (see question_body)."""

    position: int
    type: str
    body: SafeString
    response: Any = None
    seq: int = 0
    flagged: bool = False
    answered: bool = False

    @property
    def nav_class(self) -> str:
        """The navigator's classes for this question, as exam.js sets them."""
        return " ".join(
            name for name, on in (("answered", self.answered), ("flagged", self.flagged)) if on
        )

    @property
    def response_json(self) -> str:
        return "" if self.response is None else json.dumps(self.response, ensure_ascii=False)


# The exam page of every examinee is built at the opening, all at once: what a question
# shows in a given order is made once per process, keyed by everything it is made of (a
# version never changes, editing makes a new one; the key holds its content all the same,
# so that a reused number, as in a test database, cannot show another question). The bound
# only limits the memory.
_BODY_CACHE_SIZE = 20_000
_bodies: dict[tuple[Any, ...], SafeString] = {}


def question_body(
    version_id: int, kind: str, text: str, text_format: str, data: dict[str, Any], order: list[int]
) -> SafeString:
    """A question's text and inputs, in the options' order of this slot. Inputs are named
    after the version (one per slot of an attempt), so that the same HTML serves every
    examinee who drew the question in the same order."""
    choices: list[Choice] = []
    prompts: list[tuple[str, str]] = []
    if kind in ("single", "multiple"):
        answers = data.get("answers", [])
        indexes = order or list(range(len(answers)))
        choices = [Choice(str(i), answers[i]["text"]) for i in indexes]
    elif kind == "matching":
        pairs = data.get("pairs", [])
        indexes = order or list(range(len(pairs)))
        seen: list[str] = []
        for i in indexes:
            if pairs[i]["answer"] not in seen:
                seen.append(pairs[i]["answer"])
        choices = [Choice(label, label) for label in seen]
        prompts = [(str(i), pair["prompt"]) for i, pair in enumerate(pairs)]
    key = (
        version_id,
        kind,
        text,
        text_format,
        tuple((c.value, c.label) for c in choices),
        tuple(prompts),
        translation.get_language() or "",
    )
    body = _bodies.get(key)
    if body is None:
        version = (
            QuestionVersion.objects.get(pk=version_id)
            if text_format == "html"
            else QuestionVersion(text=text, text_format=text_format)
        )
        shown = question_html(version)
        if text_format == "html" and kind in ("single", "multiple"):
            # The options of an HTML question are HTML too, with their pictures (Moodle's).
            choices = [Choice(c.value, question_html(version, c.label)) for c in choices]
        context = {
            "name": f"v{version_id}",
            "type": kind,
            "text": shown,
            "choices": choices,
            "prompts": prompts,
            **practical_context(kind, data),
        }
        body = mark_safe(render_to_string("exams/_question.html", context))  # noqa: S308 - a template's output
        if len(_bodies) >= _BODY_CACHE_SIZE:
            _bodies.clear()
        _bodies[key] = body
    return body


def attempt_page_items(attempt: Attempt) -> list[PageItem]:
    slots = attempt.items.order_by("position").values_list(
        "position",
        "response",
        "seq",
        "flagged",
        "order",
        "version_id",
        "version__type",
        "version__text",
        "version__text_format",
        "version__data",
    )
    return [
        PageItem(
            position=position,
            type=kind,
            body=question_body(version_id, kind, text, text_format, data, order),
            response=response,
            seq=seq,
            flagged=flagged,
            answered=is_answered(kind, response),
        )
        for (
            position,
            response,
            seq,
            flagged,
            order,
            version_id,
            kind,
            text,
            text_format,
            data,
        ) in slots
    ]


def form_page_html(
    slots: list[tuple[int, QuestionVersion, list[int]]], language: str
) -> tuple[str, str]:
    """The questions and the navigator's links of a fresh form, (position, version, options'
    order) per slot, as the exam page shows them before the first answer, in `language`:
    what `AttemptPage` keeps."""
    with translation.override(language):
        items = [
            PageItem(
                position=position,
                type=version.type,
                body=question_body(
                    version.pk, version.type, version.text, version.text_format, version.data, order
                ),
            )
            for position, version, order in slots
        ]
        context = {"items": items}
        return (
            render_to_string("exams/_answers.html", context),
            render_to_string("exams/_nav.html", context),
        )


def form_digest(slots: list[tuple[int, int, list[int]]]) -> str:
    """A digest of a form's slots, (position, version id, options' order) each."""
    return hashlib.sha256(json.dumps(sorted(slots)).encode()).hexdigest()


@dataclass
class PreparedPage:
    """What the exam page of a fresh attempt takes from its AttemptPage."""

    questions: int
    html: SafeString
    nav: SafeString


def prepared_page(attempt: Attempt) -> PreparedPage | None:
    """The prepared questions and navigator of an attempt with no answer and no mark yet,
    whose slots are those they were made of, in the language of this request; None when
    the page must be made from the slots (attempt_page_items)."""
    slots = list(
        attempt.items.order_by("position").values_list(
            "position", "version_id", "order", "seq", "flagged", "response"
        )
    )
    if not slots or any(
        seq or flagged or answer is not None for *_s, seq, flagged, answer in slots
    ):
        return None
    prepared = (
        AttemptPage.objects.filter(attempt=attempt, language=translation.get_language() or "")
        .values_list("html", "nav", "digest")
        .first()
    )
    if prepared is None or prepared[2] != form_digest([tuple(s[:3]) for s in slots]):
        return None
    return PreparedPage(len(slots), SafeString(prepared[0]), SafeString(prepared[1]))


def get_attempt_for_examinee(user: Any, pk: int) -> Attempt:
    """The examinee's own attempt, or 404: nobody reaches another examinee's attempt."""
    try:
        return Attempt.objects.select_related("session__campaign__blueprint", "person__unit").get(
            pk=pk, user=user
        )
    except Attempt.DoesNotExist:
        raise Http404 from None


def attempts_for_examinee(user: Any) -> QuerySet[Attempt]:
    return (
        Attempt.objects.filter(user=user)
        .select_related("session__campaign")
        .order_by("-session__opens_at")
    )


@dataclass
class MyTest:
    """An examinee's attempt on "My tests": for one in progress, the minutes left (rounded
    up), its deadline and whether the proctor has stopped the clock."""

    attempt: Attempt
    minutes_left: int = 0
    deadline: datetime | None = None
    paused: bool = False


def examinee_tests(user: Any, now: datetime) -> list[MyTest]:
    rows = []
    for attempt in attempts_for_examinee(user):
        row = MyTest(attempt)
        if attempt.status == Attempt.Status.IN_PROGRESS:
            session = attempt.session
            row.paused = session.status == ExamSession.Status.PAUSED
            # A pause stops the clock: the time left is what it was when the pause began.
            at = session.paused_at if row.paused and session.paused_at else now
            row.minutes_left = -(-attempt.seconds_left(at) // 60)
            row.deadline = attempt.deadline
        rows.append(row)
    return rows


def can_run_session(user: Any, session: ExamSession) -> bool:
    """The session's own proctor, and the district's proctors and admins."""
    if session.proctor_id is not None and session.proctor_id == getattr(user, "pk", None):
        return user_can(user, Perm.RUN_SESSIONS)
    return user_can(user, Perm.RUN_SESSIONS, session.campaign.issuing_unit)


def get_session_for_user(user: Any, pk: int) -> ExamSession:
    session = (
        ExamSession.objects.select_related("campaign__issuing_unit", "proctor")
        .filter(pk=pk)
        .first()
    )
    if session is None or not can_run_session(user, session):
        raise Http404
    return session


def sessions_for_user(user: Any, campaign: Campaign) -> QuerySet[ExamSession]:
    sessions = (
        ExamSession.objects.filter(campaign=campaign)
        .select_related("proctor")
        .annotate(examinee_count=Count("examinees", distinct=True))
    )
    if user_can(user, Perm.RUN_SESSIONS, campaign.issuing_unit):
        return sessions
    return sessions.filter(proctor=user)


@dataclass
class ConsoleRow:
    attempt: Attempt
    answered: int
    total: int
    seconds_left: int
    codes_locked: bool  # five wrong access codes: cannot start until codes_locked_until


def session_console(session: ExamSession) -> list[ConsoleRow]:
    """The live table of a session: each examinee's state and how many questions they have
    answered so far."""
    attempts = (
        session.attempts.select_related("person__unit")
        .annotate(
            total=Count("items"),
            answered=Count("items", filter=Q(items__response__isnull=False)),
        )
        .order_by("person__unit__code", "person__sort_key")
    )
    now = timezone.now()
    return [
        ConsoleRow(
            attempt=a,
            answered=a.answered,  # type: ignore[attr-defined]
            total=a.total,  # type: ignore[attr-defined]
            seconds_left=a.seconds_left(now) if a.status == Attempt.Status.IN_PROGRESS else 0,
            codes_locked=a.codes_locked(now),
        )
        for a in attempts
    ]


def review_allowed(attempt: Attempt, when: str) -> bool:
    """Whether a review option set to `when` lets the examinee see it now."""
    if attempt.status != Attempt.Status.SUBMITTED or when == ReviewWhen.NEVER:
        return False
    if when == ReviewWhen.IMMEDIATELY:
        return True
    return attempt.session.status == ExamSession.Status.CLOSED


@dataclass
class ReviewLater:
    """What the result page does not show yet and when it will: `later` the parts ("score",
    "answers", "key") shown once the session closes, expected after `expected` (the last
    start plus the test's time, while it is ahead), `never` the parts never shown."""

    later: list[str]
    never: list[str]
    expected: datetime | None = None


def review_later(attempt: Attempt, blueprint: Blueprint, now: datetime) -> ReviewLater:
    parts = {
        "score": blueprint.review_score,
        "answers": blueprint.review_answers,
        "key": blueprint.review_key,
    }
    later = [
        part
        for part, when in parts.items()
        if when == ReviewWhen.AFTER_CLOSE and not review_allowed(attempt, when)
    ]
    never = [part for part, when in parts.items() if when == ReviewWhen.NEVER]
    expected = attempt.session.closes_at + timedelta(minutes=blueprint.duration_minutes)
    return ReviewLater(later, never, expected if later and expected > now else None)


@dataclass
class ReviewItem:
    position: int
    text: SafeString
    type: str
    fraction: Any
    mark: Any
    given: str
    right: str
    feedback: str
    withheld: bool = False
    # A practical task's criteria (points and reasons); None while its file is being graded.
    practical: bool = False
    criteria: list[Row] | None = None


def _describe(version: QuestionVersion, response: Any) -> str:
    data = version.data
    if not isinstance(response, dict):
        return ""
    answers = data.get("answers", [])
    if version.type == "single":
        index = response.get("choice")
        return answers[index]["text"] if isinstance(index, int) and index < len(answers) else ""
    if version.type == "multiple":
        chosen = [i for i in response.get("choices") or [] if isinstance(i, int)]
        return "; ".join(answers[i]["text"] for i in chosen if i < len(answers))
    if version.type == "truefalse":
        value = response.get("value")
        return "" if value is None else ("Đúng" if value else "Sai")
    if version.type == "matching":
        pairs = data.get("pairs", [])
        given = response.get("pairs") or {}
        return "; ".join(f"{p['prompt']} → {given.get(str(i), '')}" for i, p in enumerate(pairs))
    return str(response.get("text") or response.get("file") or "")


def _key(version: QuestionVersion) -> str:
    data = version.data
    if version.type in ("single", "multiple", "shortanswer"):
        return "; ".join(a["text"] for a in data.get("answers", []) if float(a["fraction"]) > 0)
    if version.type == "truefalse":
        return "Đúng" if data.get("truefalse") else "Sai"
    if version.type == "numerical":
        return "; ".join(
            f"{n['value']}"
            + (f" ± {n['tolerance']}" if n.get("tolerance") not in ("0", None) else "")
            for n in data.get("numerical", [])
        )
    if version.type == "matching":
        return "; ".join(f"{p['prompt']} → {p['answer']}" for p in data.get("pairs", []))
    return ""


def attempt_review_items(attempt: Attempt, *, with_key: bool) -> list[ReviewItem]:
    """The attempt's questions with the examinee's answers, and the keys when `with_key`;
    never the key of a question that another attempt not over yet still holds (the same
    question may be on a form of another session or campaign)."""
    items: list[AttemptItem] = list(
        attempt.items.select_related("version").prefetch_related("version__images")
    )
    withheld = (
        questions_in_open_attempts(item.version.question_id for item in items)
        if with_key
        else set()
    )
    practical = slot_rows([i for i in items if i.version.type in PRACTICAL], grade_missing=False)
    rows = []
    for item in items:
        version = item.version
        shown = with_key and version.question_id not in withheld
        # The options and feedback of an HTML question are HTML, pictures and all.
        as_html: Any = (
            (lambda text, v=version: question_html(v, text) if text else "")
            if version.text_format == "html"
            else str
        )
        rows.append(
            ReviewItem(
                position=item.position,
                text=question_html(version),
                type=version.type,
                fraction=item.fraction,
                mark=item.mark,
                given=as_html(_describe(version, item.response)),
                right=as_html(_key(version)) if shown else "",
                feedback=as_html(version.data.get("general_feedback", "")) if shown else "",
                withheld=with_key and not shown,
                practical=version.type in PRACTICAL,
                criteria=practical.get(item.pk),
            )
        )
    return rows


def questions_search(bank_id: int, query: str = "", module: str = "", difficulty: str = "") -> Any:
    """Questions of a bank, found with or without diacritics."""
    versions = QuestionVersion.objects.filter(question__bank_id=bank_id).filter(
        question__current_id=F("pk")
    )
    if query:
        for word in fold(query).split():
            versions = versions.filter(search_text__contains=word)
    if module:
        versions = versions.filter(question__category__module=module)
    if difficulty:
        versions = versions.filter(question__difficulty=difficulty)
    return versions.select_related("question__category").order_by(
        "question__category__path", "question_id"
    )


def module_rows(attempt: Attempt) -> list[dict[str, Any]]:
    """The attempt's score in each module of TT 03/2014, with those below the campaign's
    per-module minimum marked."""
    labels = dict(MODULES)
    below = set(failed_modules(attempt.session.campaign, attempt.module_scores))
    return [
        {
            "code": code,
            "label": labels.get(code, code),
            "score": Decimal(values["score"]),
            "max": Decimal(values["max"]),
            "percent": Decimal(values["percent"]),
            "below": code in below,
        }
        for code, values in sorted(attempt.module_scores.items())
    ]


def questions_in_open_attempts(question_ids: Any = None) -> set[int]:
    """Questions on a form that may still be answered: an attempt not submitted, in a
    session not closed. Nobody sees or exports their keys until those attempts are over."""
    items = AttemptItem.objects.filter(
        attempt__status__in=[Attempt.Status.READY, Attempt.Status.IN_PROGRESS]
    ).exclude(attempt__session__status=ExamSession.Status.CLOSED)
    if question_ids is not None:
        items = items.filter(version__question_id__in=list(question_ids))
    return set(items.values_list("version__question_id", flat=True).distinct())
