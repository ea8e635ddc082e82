"""What the bench does inside its temporary database, each step in a process of its own.

`python -m sathach.exams.bench.steps <step> …` with DATABASE_URL naming the temporary
database; each step prints one JSON document on stdout:

- `seed`: the district, its communes and N leaders with examinee accounts, a campaign in its
  testing phase, a bank, a blueprint of Q questions and one session with every form drawn;
- `open`: the proctor opens the session (after every examinee has checked in);
- `verify`: the stored answers against those the examinees got acknowledged, and the
  attempts not submitted;
- `baseline`: the same answer upserts straight on the database from W processes, before
  the examinees come (and undone);
- `statistics`: the proctor asks for the session's statistics and the step waits for the
  background worker to finish the job (the fault drill: the worker outlived the faults);
- `practical` (with `seed --practical`): the uploads of the practical task, their grading
  latencies and whether the last one the examinees sent is the one kept and graded
  (`sathach.exams.bench.practical`);

Everything goes through the real services; only the accounts are written directly, with one
PBKDF2 hash shared by all (hashing 2,000 passwords would take minutes, and signing in still
runs the full check).
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import secrets
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

PER_COMMUNE = 10  # leaders per commune: a Chairman and Vice-Chairmen
ADMIN_USERNAME = "bench.noivu"
BANK_NAME = "bench"
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Trương", "Bùi", "Đặng")
MIDDLE = ("Văn", "Thị", "Hoàng", "Minh", "Thanh", "Ngọc", "Quốc", "Hữu")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Hà", "Hạnh", "Khoa", "Lan", "Long", "Mai", "Ngân", "Sơn")


def module_counts(questions: int) -> dict[str, int]:
    """Q questions spread over the six modules, the first modules taking the remainder."""
    from sathach.exams.models import MODULE_CODES

    base, extra = divmod(questions, len(MODULE_CODES))
    counts = {code: base + (1 if i < extra else 0) for i, code in enumerate(MODULE_CODES)}
    return {code: count for code, count in counts.items() if count}


def _bank_questions(questions: int) -> list[Any]:
    """Twice as many single-choice questions per module as the blueprint draws, over two
    topics, so that the forms differ."""
    from decimal import Decimal

    from sathach.exams.formats.base import Answer, ParsedQuestion

    parsed = []
    for module, count in module_counts(questions).items():
        for topic in ("Chủ đề một", "Chủ đề hai"):
            for n in range(1, count + 1):
                parsed.append(
                    ParsedQuestion(
                        type="single",
                        title=f"{module} {topic} câu {n}",
                        text=f"Câu hỏi số {n} của {module}/{topic}?",
                        category=f"{module}/{topic}",
                        answers=[
                            Answer(f"Phương án {letter}", Decimal(1 if i == 0 else 0))
                            for i, letter in enumerate("ABCD")
                        ],
                    )
                )
    return parsed


def seed(
    *,
    examinees: int,
    questions: int,
    duration_minutes: int,
    practical: bool = False,
    tag: str = "",
) -> dict[str, Any]:
    """The session; with `practical`, the bank holds a document task and every form one
    (a blueprint line of its own, IU03) besides the Q questions. `tag` (a few letters)
    ends every unit code, user name and the campaign's code, so that runs against a
    deployment's database (`--url`) do not meet each other's."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from sathach.campaigns.models import Campaign
    from sathach.campaigns.services import campaign_create, campaign_transition
    from sathach.core.text import nfc
    from sathach.exams.formats.base import ParseResult
    from sathach.exams.services.bank import questions_import
    from sathach.exams.services.sessions import (
        RuleSpec,
        blueprint_save,
        session_create,
        session_prepare,
    )
    from sathach.organization.models import (
        AdministrativeUnit,
        Membership,
        Person,
        Position,
        Role,
        User,
    )

    password = secrets.token_urlsafe(12)
    hashed = make_password(password)
    kind = AdministrativeUnit.Kind
    with transaction.atomic():
        province = AdministrativeUnit(code=f"94{tag}", name="Tỉnh Sóc Trăng", kind=kind.PROVINCE)
        province.save()
        district = AdministrativeUnit(
            code=f"945{tag}", name="Huyện Cù Lao Dung", kind=kind.DISTRICT, parent=province
        )
        district.save()
        communes = []
        for i in range(math.ceil(examinees / PER_COMMUNE)):
            commune = AdministrativeUnit(
                code=f"B{i + 1:04d}{tag}",
                name=f"Xã Thử Tải {i + 1}",
                kind=kind.COMMUNE,
                parent=district,
            )
            commune.save()
            communes.append(commune)
        admin = User.objects.create(
            username=ADMIN_USERNAME + tag, full_name="Phòng Nội vụ huyện", password=hashed
        )
        Membership.objects.create(user=admin, role=Role.DISTRICT_ADMIN, unit=district)
        Membership.objects.create(user=admin, role=Role.PROCTOR, unit=district)
        names = [
            nfc(f"{FAMILY[i % 10]} {MIDDLE[i // 10 % 8]} {GIVEN[i // 80 % 12]}")
            for i in range(examinees)
        ]
        users = User.objects.bulk_create(
            User(
                username=f"bench{tag}{i + 1:05d}",
                full_name=names[i],
                password=hashed,
                must_change_password=False,
            )
            for i in range(examinees)
        )
        Membership.objects.bulk_create(
            Membership(user=user, role=Role.EXAMINEE, unit=communes[i // PER_COMMUNE])
            for i, user in enumerate(users)
        )
        people = []
        for i, user in enumerate(users):
            person = Person(
                full_name=names[i],
                gender=Person.Gender.FEMALE if "Thị" in names[i] else Person.Gender.MALE,
                unit=communes[i // PER_COMMUNE],
                position=Position.CHAIRMAN if i % PER_COMMUNE == 0 else Position.VICE_CHAIRMAN,
                user=user,
            )
            person.save()
            people.append(person)

    campaign = campaign_create(
        actor=admin,
        code=f"99/KH-BENCH{tag}",
        title="Đo tải ngày thi kỹ năng công nghệ thông tin",
        issuing_unit=district,
        issued_on=date.today(),
    )
    campaign_transition(actor=admin, campaign=campaign, to=Campaign.Status.PREPARING)
    campaign_transition(actor=admin, campaign=campaign, to=Campaign.Status.TESTING)
    questions_import(
        actor=admin,
        result=ParseResult(questions=_bank_questions(questions)),
        bank_name=BANK_NAME,
        source="bench",
        unit=district,
    )
    from sathach.exams.bench import practical as bench_practical
    from sathach.exams.models import QuestionBank

    bank = QuestionBank.objects.get(name=BANK_NAME, unit=district)
    rules = [RuleSpec(module, count) for module, count in module_counts(questions).items()]
    if practical:
        bench_practical.seed_task(bank)
        rules.append(RuleSpec(bench_practical.MODULE, 1, kind=bench_practical.KIND))
    blueprint_save(
        actor=admin,
        campaign=campaign,
        bank=bank,
        rules=rules,
        duration_minutes=duration_minutes,
    )
    now = timezone.now()
    session = session_create(
        actor=admin,
        campaign=campaign,
        name="Ca thi đo tải",
        room="Phòng máy UBND huyện",
        opens_at=now,
        closes_at=now + timedelta(hours=12),
        proctor=admin,
        examinees=people,
    )
    prepared = session_prepare(actor=admin, session=session, seed=2020)
    return {
        "session": session.pk,
        "access_code": session.access_code,
        "password": password,
        "usernames": [user.username for user in users],
        "attempts": prepared,
    }


def open_session(*, session_id: int) -> dict[str, Any]:
    from sathach.exams.models import ExamSession
    from sathach.exams.services.sessions import session_open

    session = ExamSession.objects.select_related("campaign", "proctor").get(pk=session_id)
    session_open(actor=session.proctor, session=session)
    return {"status": session.status}


def verify(*, session_id: int, expected_path: Path) -> dict[str, Any]:
    """Compare every question's stored (seq, response) with the last answer its examinee
    sent and got acknowledged; a slot never acknowledged must still be empty. The practical
    tasks' files are the `practical` step's."""
    from sathach.exams.models import Attempt, AttemptItem
    from sathach.practical.kinds import KINDS

    expected: dict[str, dict[str, list[Any]]] = json.loads(expected_path.read_text("utf-8"))
    lost = 0
    slots = (
        AttemptItem.objects.filter(attempt__session_id=session_id)
        .exclude(version__type__in=KINDS)
        .values_list("attempt_id", "position", "seq", "response")
    )
    for attempt_id, position, seq, response in slots.iterator(chunk_size=5000):
        want = expected.get(str(attempt_id), {}).get(str(position), [0, None])
        if [seq, response] != want:
            lost += 1
    attempts = Attempt.objects.filter(session_id=session_id)
    return {
        "lost_answers": lost,
        "unsubmitted": attempts.exclude(status=Attempt.Status.SUBMITTED).count(),
        "attempts": attempts.count(),
    }


def statistics(*, session_id: int, wait_seconds: float) -> dict[str, Any]:
    """Queue the session's statistics job and wait for the worker to finish it."""
    from sathach.core.models import Job
    from sathach.exams.jobs import session_statistics_start
    from sathach.exams.models import ExamSession

    session = ExamSession.objects.select_related("campaign__issuing_unit", "proctor").get(
        pk=session_id
    )
    actor = session.proctor
    job = session_statistics_start(actor=actor, session=session)
    began = time.monotonic()
    while time.monotonic() - began < wait_seconds:
        job.refresh_from_db()
        if job.status in (Job.Status.DONE, Job.Status.FAILED):
            break
        time.sleep(0.2)
    return {"status": job.status, "seconds": round(time.monotonic() - began, 1)}


def _upsert_worker(
    slots: list[tuple[int, int]], ops: int, first_seq: int, start: Any, done: Any
) -> None:
    """Run `ops` conditional updates over this worker's own slots (no two workers share a
    slot, as no two examinees share one), each with a newer sequence number."""
    from django.db import connection
    from django.utils import timezone

    from sathach.exams.models import AttemptItem

    connection.ensure_connection()
    start.wait()
    for k in range(ops):
        attempt_id, position = slots[k % len(slots)]
        seq = first_seq + k
        AttemptItem.objects.filter(attempt_id=attempt_id, position=position, seq__lt=seq).update(
            response={"choice": seq % 4}, seq=seq, flagged=False, saved_at=timezone.now()
        )
    connection.close()
    done.put(ops)


def baseline(*, session_id: int, ops: int, workers: int) -> dict[str, Any]:
    """Upserts per second from `workers` processes, each with its own connection: the
    statement the autosave endpoint runs, without HTTP, Django's request cycle or the read
    of the attempt. Run on the freshly seeded database before the examinees, then undone
    (and the table vacuumed), so that both measures start from the same state."""
    from django.db import connection, connections
    from django.db.models import Max

    from sathach.exams.models import AttemptItem

    items = AttemptItem.objects.filter(attempt__session_id=session_id)
    slots = list(items.order_by("attempt_id", "position").values_list("attempt_id", "position"))
    first_seq = (items.aggregate(top=Max("seq"))["top"] or 0) + 1
    connections.close_all()
    context = multiprocessing.get_context("fork")
    start, done = context.Event(), context.Queue()
    share = [ops // workers + (1 if w < ops % workers else 0) for w in range(workers)]
    processes = [
        context.Process(
            target=_upsert_worker, args=(slots[w::workers], share[w], first_seq, start, done)
        )
        for w in range(workers)
        if share[w] and slots[w::workers]
    ]
    for process in processes:
        process.start()
    time.sleep(0.5)  # let every worker connect before the clock starts
    began = time.perf_counter()
    start.set()
    total = sum(done.get(timeout=600) for _ in processes)
    elapsed = time.perf_counter() - began
    for process in processes:
        process.join()
    items.update(response=None, seq=0, flagged=False, saved_at=None)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {AttemptItem._meta.db_table}")
    return {"upserts": total, "seconds": elapsed, "upserts_per_s": total / elapsed}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sathach.exams.bench.steps")
    sub = parser.add_subparsers(dest="step", required=True)
    p = sub.add_parser("seed")
    p.add_argument("--examinees", type=int, required=True)
    p.add_argument("--questions", type=int, required=True)
    p.add_argument("--duration-minutes", type=int, required=True)
    p.add_argument("--practical", action="store_true")
    p.add_argument("--tag", default="")
    p = sub.add_parser("open")
    p.add_argument("--session", type=int, required=True)
    p = sub.add_parser("verify")
    p.add_argument("--session", type=int, required=True)
    p.add_argument("--expected", type=Path, required=True)
    p = sub.add_parser("baseline")
    p.add_argument("--session", type=int, required=True)
    p.add_argument("--ops", type=int, required=True)
    p.add_argument("--workers", type=int, required=True)
    p = sub.add_parser("practical")
    p.add_argument("--session", type=int, required=True)
    p.add_argument("--expected", type=Path, required=True)
    p.add_argument("--wait", type=float, required=True)
    p = sub.add_parser("statistics")
    p.add_argument("--session", type=int, required=True)
    p.add_argument("--wait", type=float, required=True)
    args = parser.parse_args(argv)

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sathach.settings")
    django.setup()
    if args.step == "seed":
        result = seed(
            examinees=args.examinees,
            questions=args.questions,
            duration_minutes=args.duration_minutes,
            practical=args.practical,
            tag=args.tag,
        )
    elif args.step == "open":
        result = open_session(session_id=args.session)
    elif args.step == "verify":
        result = verify(session_id=args.session, expected_path=args.expected)
    elif args.step == "practical":
        from sathach.exams.bench.practical import practical_report

        result = practical_report(
            session_id=args.session, expected_path=args.expected, wait_seconds=args.wait
        )
    elif args.step == "statistics":
        result = statistics(session_id=args.session, wait_seconds=args.wait)
    else:
        result = baseline(session_id=args.session, ops=args.ops, workers=args.workers)
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
