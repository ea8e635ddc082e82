"""The demo's test day, played through the real services.

Every demo leader gets an exam certificate with the demo PIN, the campaign moves to its
testing phase and the exam session opens. Each leader then takes the IT-skills test (starts
with the access code, answers with a seeded ability, changes a few answers, submits) and
the e-office test (forwards every incoming document, signs the outgoing draft with the
PIN, submits). The grading of both feeds the campaign's results; the council approves the
ranking and the district grants the awards in a decision record.

Behaviour is drawn from the seed only, never from the clock or from database ids: the same
seed gives the same results and the same ranking, although the timestamps differ. A few
leaders are weak at IT skills and fail the test; a few make one mistake in the e-office test
(a wrong main handler, an instruction that says nothing, a deadline later than the document
allows, a draft left unsigned or signed away from the signer's place), which fails it.
"""

from __future__ import annotations

import datetime
import json
import random
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from sathach.campaigns.models import AwardDecision, Campaign
from sathach.campaigns.services import awards_grant, campaign_transition, ranking_approve
from sathach.core.errors import DomainError
from sathach.eoffice.models import Kind, Scenario, Task, TaskDocument
from sathach.eoffice.services.tasks import (
    document_forward,
    document_give_opinion,
    document_sign_draft,
    document_upload_signed,
    task_start,
    task_submit,
)
from sathach.exams.models import Attempt, AttemptItem, ExamSession
from sathach.exams.services.attempts import attempt_save_answers, attempt_start, attempt_submit
from sathach.exams.services.sessions import session_close, session_open
from sathach.organization.models import (
    HANDLER_POSITIONS,
    LEADER_POSITIONS,
    Person,
    User,
)
from sathach.reports.awards import award_certificates_write, award_signer
from sathach.signatures.models import Authority, LeaderCertificate
from sathach.signatures.services import (
    certificate_issue,
    document_sign,
    pki_init,
    token_set_pin,
)

# The PIN every demo signing certificate is given, so that anyone trying `make run` can sign.
DEMO_PIN = "202075"
WRONG_PIN = "135792"
PKI_ORGANIZATION = "UBND huyện Cù Lao Dung"
DECISION_NUMBER = "126/QĐ-UBND"
SAVE_BATCH = 6  # answers per autosave, as a browser sends them while the examinee works

WRONG_HANDLER = "wrong_handler"
PLACEHOLDER = "placeholder"
LATE_DEADLINE = "late_deadline"
UNSIGNED = "unsigned"
WRONG_PLACE = "wrong_place"
MISTAKES = (WRONG_HANDLER, PLACEHOLDER, LATE_DEADLINE, UNSIGNED, WRONG_PLACE)
PLACEHOLDERS = ("Chuyển.", "Xem", "ok", "Đồng ý")

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Cast:
    """Who plays the day: the accounts of the admin, the council and the proctor, the
    organization of the exam CA made when none exists, the awards decision's number, the
    council's grounds when it decides a tie, and the days of the approval and the decision
    (CAST_2020 is the 2020 demo's)."""

    admin: str = "noivu.admin"
    council: str = "hoidong.chutich"
    proctor: str = "giamthi"
    pki_organization: str = PKI_ORGANIZATION
    decision_number: str = DECISION_NUMBER
    tie_note: str = "Hội đồng thi đua - khen thưởng huyện xét chọn theo kết quả họp ngày kiểm tra."
    # The days of the council's approval and of the decision in the campaign's story; none:
    # the day the demo is played (a campaign of this year).
    approved_on: datetime.date | None = None
    decided_on: datetime.date | None = None


# The 2020 plan is decided in 2020, under the law of 2020: the council meets a week after
# the test (20-21/8/2020), the Chairman decides on the day the results are due.
CAST_2020 = Cast(approved_on=datetime.date(2020, 8, 28), decided_on=datetime.date(2020, 8, 31))


@dataclass(frozen=True)
class Behaviour:
    """How one simulated leader takes the test."""

    ability: float  # the share of the questions answered right
    changes: float  # the share of answers changed once before the final one
    mistake: str  # one of MISTAKES, or "" for a faultless e-office test
    wrong_pin_first: bool  # types a wrong PIN once before the right one
    mistyped_code: bool  # types a wrong access code once before the right one


@dataclass(frozen=True)
class DayOutcome:
    """The played campaign (awarded), who failed which content, and the awards decision."""

    campaign: Campaign
    leaders: int
    failed_exam: list[str]
    failed_eoffice: list[str]
    decision: AwardDecision


def _silent(_line: str) -> None:
    return None


def demo_leaders(campaign: Campaign) -> list[Person]:
    """The leaders of the campaign's communes, in a stable order (commune, position, name)."""
    return list(
        Person.objects.filter(unit__in=campaign.participants.all(), position__in=LEADER_POSITIONS)
        .select_related("unit", "user")
        .order_by("unit__code", "position", "sort_key", "full_name")
    )


def behaviours(seed: int, count: int) -> list[Behaviour]:
    """Each leader's behaviour, drawn from the seed: about one in seven is weak at IT skills,
    about one in seven makes one mistake in the e-office test."""
    rng = random.Random(f"demo-day:{seed}")  # noqa: S311 - simulated behaviour, not secrets
    failing = max(1, count // 7)
    weak = set(rng.sample(range(count), failing))
    careless = set(rng.sample(range(count), failing))
    drawn = []
    for index in range(count):
        drawn.append(
            Behaviour(
                ability=rng.uniform(0.2, 0.42) if index in weak else rng.uniform(0.62, 0.97),
                changes=rng.uniform(0.0, 0.2),
                mistake=rng.choice(MISTAKES) if index in careless else "",
                wrong_pin_first=rng.random() < 0.2,
                mistyped_code=rng.random() < 0.15,
            )
        )
    return drawn


# The IT-skills test ------------------------------------------------------------------


def _fraction(answer: dict[str, Any]) -> Decimal:
    return Decimal(str(answer.get("fraction", "0")))


def right_response(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """The answer that earns the whole mark, as the test page sends it."""
    answers = data.get("answers", [])
    if kind == "single":
        best = max(range(len(answers)), key=lambda i: _fraction(answers[i]))
        return {"choice": best}
    if kind == "multiple":
        return {"choices": [i for i, a in enumerate(answers) if _fraction(a) > 0]}
    if kind == "truefalse":
        return {"value": bool(data.get("truefalse"))}
    if kind == "shortanswer":
        best_answer = max(answers, key=_fraction)
        return {"text": str(best_answer.get("text", ""))}
    if kind == "numerical":
        value = str(data["numerical"][0]["value"])
        return {"text": value.replace(".", ",")}
    if kind == "matching":
        return {"pairs": {str(i): pair.get("answer") for i, pair in enumerate(data["pairs"])}}
    return {"text": "Không biết"}


def wrong_response(kind: str, data: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """An answer that earns nothing."""
    answers = data.get("answers", [])
    wrong = [i for i, a in enumerate(answers) if _fraction(a) <= 0]
    if kind == "single":
        return {"choice": rng.choice(wrong)} if wrong else {"choice": None}
    if kind == "multiple":
        return {"choices": [rng.choice(wrong)]} if wrong else {"choices": []}
    if kind == "truefalse":
        return {"value": not data.get("truefalse")}
    if kind == "numerical":
        value = Decimal(str(data["numerical"][0]["value"]))
        return {"text": str(value + 1000)}
    if kind == "matching":
        pairs = data["pairs"]
        shifted = {str(i): pairs[(i + 1) % len(pairs)].get("answer") for i in range(len(pairs))}
        return {"pairs": shifted}
    return {"text": "Không nhớ"}


def exam_take(
    *, attempt: Attempt, session: ExamSession, behaviour: Behaviour, rng: random.Random
) -> Attempt:
    """Start with the access code, answer through the autosave, change some answers, submit."""
    user = attempt.user
    if behaviour.mistyped_code:
        with suppress(DomainError):  # "The access code is wrong": the proctor reads it again
            attempt_start(user=user, attempt=attempt, access_code="AAAAAA")
    attempt = attempt_start(user=user, attempt=attempt, access_code=session.access_code)
    items = list(
        AttemptItem.objects.filter(attempt=attempt).select_related("version").order_by("position")
    )
    right = set(rng.sample(range(len(items)), round(behaviour.ability * len(items))))
    first: list[dict[str, Any]] = []
    second: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        kind, data = item.version.type, item.version.data
        final = right_response(kind, data) if index in right else wrong_response(kind, data, rng)
        if rng.random() < behaviour.changes:
            other = (
                wrong_response(kind, data, rng) if index in right else right_response(kind, data)
            )
            first.append({"p": item.position, "s": 1, "r": other})
            second.append({"p": item.position, "s": 2, "r": final})
        else:
            first.append({"p": item.position, "s": 1, "r": final})
    for answers in (first, second):
        for start in range(0, len(answers), SAVE_BATCH):
            outcome = attempt_save_answers(
                attempt_id=attempt.pk,
                token=attempt.token,
                answers=answers[start : start + SAVE_BATCH],
            )
            if outcome.state != "open":
                raise DomainError(
                    _("The test refused the simulated answers (%(state)s).")
                    % {"state": outcome.state}
                )
    return attempt_submit(actor=user, attempt=attempt, by=Attempt.SubmittedBy.EXAMINEE)


# The e-office test -------------------------------------------------------------------


GOOD_INSTRUCTION = (
    "Giao đồng chí {name} ({position}) chủ trì tham mưu, tổ chức thực hiện theo nội dung "
    "văn bản{helpers}; báo cáo kết quả về UBND xã trước thời hạn."
)


GOOD_OPINION = (
    "Thống nhất với nội dung văn bản. Đề nghị giao bộ phận chuyên môn rà soát số liệu "
    "thuộc lĩnh vực tôi phụ trách, đề xuất giải pháp và báo cáo trước hạn để tổng hợp."
)


def _servants(person: Person) -> list[Person]:
    return list(
        Person.objects.filter(unit=person.unit, position__in=HANDLER_POSITIONS).order_by(
            "position", "sort_key", "full_name"
        )
    )


def _forward(
    *,
    user: User,
    document: TaskDocument,
    servants: list[Person],
    mistake: str,
    rng: random.Random,
) -> None:
    scenario: Scenario = document.scenario
    expected = [p for p in servants if p.position == scenario.main_handler]
    others = [p for p in servants if p.position != scenario.main_handler]
    main = rng.choice(others) if mistake == WRONG_HANDLER or not expected else expected[0]
    acceptable = [p for p in servants if p.position in scenario.coordinators and p.pk != main.pk]
    coordinators = acceptable[: rng.randint(1 if scenario.coordinator_required else 0, 2)]
    helpers = (
        ", phối hợp với " + ", ".join(p.get_position_display() for p in coordinators)
        if coordinators
        else ""
    )
    instruction = (
        rng.choice(PLACEHOLDERS)
        if mistake == PLACEHOLDER
        else GOOD_INSTRUCTION.format(
            name=main.full_name, position=main.get_position_display(), helpers=helpers
        )
    )
    latest = document.latest_deadline or timezone.localdate()
    today = timezone.localdate()
    if mistake == LATE_DEADLINE:
        deadline = latest + datetime.timedelta(days=rng.randint(3, 10))
    else:
        deadline = today + datetime.timedelta(days=rng.randint(1, max(1, (latest - today).days)))
    document_forward(
        user=user,
        document=document,
        main_handler_id=main.pk,
        coordinator_ids=[p.pk for p in coordinators],
        instruction=instruction,
        deadline=deadline,
    )


def _sign(*, user: User, document: TaskDocument, behaviour: Behaviour) -> None:
    if behaviour.mistake == UNSIGNED:
        return  # forgets the draft
    if behaviour.mistake == WRONG_PLACE:
        # Signed with the token's own software at the top of the page, then uploaded.
        token = LeaderCertificate.objects.filter(
            person=document.task.person, revoked_at__isnull=True
        ).latest("created_at")
        signed = document_sign(
            actor=user,
            token=token,
            pin=DEMO_PIN,
            data=bytes(document.pdf),
            box=(60.0, 760.0, 220.0, 810.0),
            page=0,
        )
        document_upload_signed(user=user, document=document, data=signed)
        return
    if behaviour.wrong_pin_first:
        with suppress(DomainError):  # "The PIN is wrong", kept in the history; typed again
            document_sign_draft(user=user, document=document, pin=WRONG_PIN)
    document_sign_draft(user=user, document=document, pin=DEMO_PIN)


def eoffice_take(*, task: Task, behaviour: Behaviour, rng: random.Random) -> Task:
    """Start, forward every incoming document, sign the outgoing draft, submit. A careless
    leader makes their one mistake on one document."""
    user = task.user
    task = task_start(user=user, task=task)
    documents = list(
        TaskDocument.objects.filter(task=task).select_related("scenario", "task__person__unit")
    )
    servants = _servants(task.person)
    # Only the instruction (or opinion) can be wrong on a document someone else leads.
    candidates = [
        d
        for d in documents
        if d.kind == Kind.INCOMING
        and (behaviour.mistake == PLACEHOLDER or not d.scenario.coordinating)
    ]
    faulty = rng.choice(candidates).pk if candidates else None
    for document in sorted(documents, key=lambda d: d.position):
        if document.kind == Kind.INCOMING and document.scenario.coordinating:
            document_give_opinion(
                user=user,
                document=document,
                opinion=(
                    rng.choice(PLACEHOLDERS)
                    if behaviour.mistake == PLACEHOLDER and document.pk == faulty
                    else GOOD_OPINION
                ),
            )
        elif document.kind == Kind.INCOMING:
            _forward(
                user=user,
                document=document,
                servants=servants,
                mistake=behaviour.mistake if document.pk == faulty else "",
                rng=rng,
            )
        else:
            _sign(user=user, document=document, behaviour=behaviour)
    return task_submit(actor=user, task=task, by=Task.SubmittedBy.EXAMINEE)


# The day -----------------------------------------------------------------------------


def _pki_ready(organization: str = PKI_ORGANIZATION) -> None:
    if not Authority.objects.exists():
        pki_init(actor="demo", organization=organization)


def _token_with_pin(admin: User, person: Person) -> LeaderCertificate:
    token = certificate_issue(actor=admin, person=person)
    token_set_pin(actor=person.user or admin, token=token, new_pin=DEMO_PIN)
    return token


def demo_day_play(
    *, campaign: Campaign, seed: int, progress: Progress = _silent, cast: Cast = CAST_2020
) -> DayOutcome:
    """Play the test day of a campaign in preparation, up to the awards decision."""
    if campaign.status != Campaign.Status.PREPARING:
        raise DomainError(_("The demo day is played on a campaign in preparation."))
    admin = User.objects.get(username=cast.admin)
    council = User.objects.get(username=cast.council)
    proctor = User.objects.filter(username=cast.proctor).first() or admin
    leaders = demo_leaders(campaign)
    drawn = behaviours(seed, len(leaders))
    chairman = award_signer(campaign)
    with transaction.atomic():
        _pki_ready(cast.pki_organization)
        for person in [*leaders, chairman]:
            _token_with_pin(admin, person)
        progress(
            _("Signing certificates issued with the demo PIN: %(count)s.")
            % {"count": len(leaders) + 1}
        )
        campaign = campaign_transition(actor=admin, campaign=campaign, to=Campaign.Status.TESTING)
        session = ExamSession.objects.get(campaign=campaign)
        session_open(actor=proctor, session=session)
        attempts = {a.person_id: a for a in session.attempts.select_related("user")}
        tasks = {t.person_id: t for t in Task.objects.filter(campaign=campaign)}
        failed_exam: list[str] = []
        failed_eoffice: list[str] = []
        for index, (person, behaviour) in enumerate(zip(leaders, drawn, strict=True)):
            rng = random.Random(f"demo-day:{seed}:{index}")  # noqa: S311
            attempt = exam_take(
                attempt=attempts[person.pk], session=session, behaviour=behaviour, rng=rng
            )
            task = eoffice_take(task=tasks[person.pk], behaviour=behaviour, rng=rng)
            if not attempt.passed:
                failed_exam.append(person.full_name)
            if not task.passed:
                failed_eoffice.append(person.full_name)
            progress(
                _("%(name)s (%(unit)s): IT skills %(percent)s%%, %(exam)s; e-office: %(eoffice)s.")
                % {
                    "name": person.full_name,
                    "unit": person.unit.name,
                    "percent": number_format(attempt.percent or 0, 2),
                    "exam": _("passed") if attempt.passed else _("failed"),
                    "eoffice": _("passed") if task.passed else _("failed"),
                }
            )
        session_close(actor=proctor, session=session)
        campaign = campaign_transition(actor=admin, campaign=campaign, to=Campaign.Status.RESULTS)
        snapshot = _approve(council, campaign, cast.tie_note, _meeting(cast.approved_on))
        progress(_("Ranking approved by the council (SHA-256 %(hash)s).") % {"hash": snapshot})
        decision = awards_grant(
            actor=admin,
            campaign=campaign,
            number=cast.decision_number,
            signed_on=cast.decided_on or timezone.localdate(),
            signer_name=chairman.full_name,
            signer_title="CHỦ TỊCH",
        )
        progress(
            _("Awards granted by decision %(number)s: %(count)s.")
            % {"number": decision.number, "count": decision.awards.count()}
        )
    campaign.refresh_from_db()
    return DayOutcome(campaign, len(leaders), failed_exam, failed_eoffice, decision)


def _meeting(day: datetime.date | None) -> datetime.datetime | None:
    """The council's meeting on `day`, at 14:00 local time."""
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(14)))


def _approve(
    council: User, campaign: Campaign, note: str, approved_at: datetime.datetime | None
) -> str:
    """The council approves the ranking; a tie for the last awards goes, by the council's
    decision, to the tied units in the order of their codes."""
    from sathach.campaigns.selectors import campaign_ranking

    output = campaign_ranking(campaign)
    undecided = list(output["undecided"])
    if not undecided:
        return ranking_approve(actor=council, campaign=campaign, approved_at=approved_at).sha256[
            :16
        ]
    slots = campaign.awards - sum(1 for unit in output["units"] if unit["award"] == "yes")
    snapshot = ranking_approve(
        actor=council,
        campaign=campaign,
        awarded_in_ties=sorted(undecided)[:slots],
        note=note,
        approved_at=approved_at,
    )
    return snapshot.sha256[:16]


# The outputs -------------------------------------------------------------------------


def demo_outputs_write(
    *, campaign: Campaign, out: Path, progress: Progress = _silent, cast: Cast = CAST_2020
) -> list[Path]:
    """Write what the district sends at the end into `out`: the ranking as `sathach campaign
    rank --json` prints it, every report as `sathach report` writes it, and the Giấy khen
    signed with the district Chairman's certificate."""
    from sathach.campaigns.selectors import campaign_ranking
    from sathach.reports.exporters import EXPORTERS
    from sathach.reports.selectors import district_scope
    from sathach.reports.services import report_export, report_exporter

    out.mkdir(parents=True, exist_ok=True)
    ranking = out / "ranking.json"
    output = campaign_ranking(campaign)
    ranking.write_text(json.dumps(output, ensure_ascii=False, indent=1) + "\n", "utf-8")
    written = [ranking]
    scope = district_scope(campaign)
    for identifier in EXPORTERS:
        exporter = report_exporter(scope=scope, identifier=identifier)
        for fmt in exporter.formats:
            exported = report_export(
                actor="demo", scope=scope, identifier=identifier, fmt=fmt, exporter=exporter
            )
            target = out / exported.filename
            target.write_bytes(exported.content)
            written.append(target)
    written += _certificates_write(campaign=campaign, out=out, admin=cast.admin)
    for path in written:
        progress(_("Written: %(path)s") % {"path": path})
    return written


def _certificates_write(*, campaign: Campaign, out: Path, admin: str) -> list[Path]:
    """One certificate PDF per award (a Giấy khen, or a province's Bằng khen), signed with
    the issuing unit's Chairman's certificate."""
    chairman = award_signer(campaign)
    actor = chairman.user or User.objects.get(username=admin)
    return award_certificates_write(actor=actor, campaign=campaign, pin=DEMO_PIN, out_dir=out)
