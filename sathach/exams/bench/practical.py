"""The practical task of `sathach bench exam-day --practical`, on the database's side: the
document task the seeded bank holds and the blueprint draws (IU03), and the step that reads,
after the run, how each upload was kept and graded.

The simulated examinees download the task's starter, change a phrase of its body
(`EDIT_FIND`, in word/document.xml) and upload it; the background workers (`sathach
worker`) grade the files while the test runs, as in production (docs/PERFORMANCE.md).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from sathach.exams.bench.stats import summary

# The phrase of the starter's body that each simulated examinee replaces (the load process
# edits the file's XML, without Django); the mark in docProps/custom.xml stays.
EDIT_FIND = "(bản dự thảo)"
TASK_TEXT = (
    "Tải tệp bài làm, trình bày công văn theo thể thức Nghị định 30/2020/NĐ-CP "
    "(khổ giấy, lề, phông chữ, cỡ chữ, Quốc hiệu và Tiêu ngữ, thụt đầu dòng, căn đều hai lề) "
    "rồi gửi tệp."
)
STARTER = {
    "title": "ỦY BAN NHÂN DÂN HUYỆN CÙ LAO DUNG",
    "text": "\n".join(
        [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Số: 125/UBND-NV",
            "Cù Lao Dung, ngày 15 tháng 3 năm 2026",
            "V/v tổ chức kiểm tra kỹ năng sử dụng công nghệ thông tin",
            "Kính gửi: Ủy ban nhân dân các xã, thị trấn.",
            "Thực hiện Kế hoạch số 99/KH-UBND của Ủy ban nhân dân huyện về kiểm tra kỹ năng "
            f"sử dụng công nghệ thông tin của cán bộ lãnh đạo cấp xã {EDIT_FIND}, Ủy ban nhân "
            "dân huyện đề nghị Ủy ban nhân dân các xã, thị trấn cử cán bộ tham dự đầy đủ, "
            "đúng thành phần.",
            "Thời gian kiểm tra: từ 07 giờ 30 phút ngày 20 tháng 3 năm 2026, tại phòng máy "
            "của Ủy ban nhân dân huyện. Người dự kiểm tra mang theo căn cước công dân.",
            "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, đề nghị các địa phương "
            "phản ánh về Phòng Nội vụ huyện để được hướng dẫn.",
            "Nơi nhận:",
            "- Như trên;",
            "- Lưu: VT, NV.",
        ]
    ),
}
CRITERIA: list[dict[str, Any]] = [
    {"key": "paper", "weight": "1"},
    {"key": "margins", "weight": "2"},
    {"key": "font", "weight": "1"},
    {"key": "body_size", "weight": "1"},
    {"key": "national_title", "weight": "2"},
    {"key": "first_line_indent", "weight": "1"},
    {"key": "body_alignment", "weight": "1"},
    {"key": "contains_text", "weight": "1", "params": {"phrases": ["Kính gửi"]}},
]
KIND, MODULE = "document", "IU03"


def seed_task(bank: Any) -> Any:
    """The document task in `bank` (module IU03), its criteria checked as the bank's editor
    checks them. The bank has no import format for practical tasks yet: the question and
    its version are written as the practical tests write them."""
    from sathach.exams.models import Category, Question, QuestionVersion
    from sathach.practical import kinds

    data = {"criteria": CRITERIA, "starter": STARTER, "starter_required": True}
    problems = kinds.validate(KIND, data)
    if problems:
        raise ValueError("; ".join(problems))
    category, _created = Category.objects.get_or_create(
        bank=bank, path=f"{MODULE}/Thực hành", defaults={"module": MODULE}
    )
    question = Question.objects.create(bank=bank, category=category)
    version = QuestionVersion.objects.create(
        question=question,
        number=1,
        type=KIND,
        title="Công văn theo Nghị định 30/2020",
        text=TASK_TEXT,
        data=data,
        default_mark=sum((Decimal(c["weight"]) for c in CRITERIA), Decimal(0)),
    )
    question.current = version
    question.save(update_fields=["current"])
    return question


def _ms(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds() * 1000


def wait_for_gradings(session_id: int, wait_seconds: float) -> float:
    """Wait (at most `wait_seconds`) until the workers have graded every upload of the
    session, as they would go on doing after the test; the seconds waited."""
    from sathach.practical.models import Grading

    pending = Grading.objects.filter(
        upload__item__attempt__session_id=session_id, status=Grading.Status.PENDING
    )
    began = time.monotonic()
    while pending.exists() and time.monotonic() - began < wait_seconds:
        time.sleep(0.5)
    return time.monotonic() - began


def practical_report(
    *, session_id: int, expected_path: Path, wait_seconds: float
) -> dict[str, Any]:
    """Once the workers have graded what the test left them (`wait_for_gradings`), per
    upload of the session: the grading latency (graded_at - uploaded_at) and the
    grader's time (took_ms); the counts of uploads, of gradings done and of those the
    attempt's submission did (no worker's run of the task covers the moment of the
    grading); and the slots whose last upload is not the one the examinee last got
    acknowledged (sha256), or is not graded."""
    from django_tasks_db.models import DBTaskResult

    from sathach.exams.models import AttemptItem
    from sathach.practical import kinds
    from sathach.practical.models import Grading, Upload

    waited = wait_for_gradings(session_id, wait_seconds)
    expected: dict[str, dict[str, str]] = json.loads(expected_path.read_text("utf-8"))
    uploads = list(
        Upload.objects.filter(item__attempt__session_id=session_id).order_by("uploaded_at", "pk")
    )
    gradings = {
        (g.upload_id, g.version_id): g
        for g in Grading.objects.filter(upload__in=uploads, status=Grading.Status.DONE)
    }
    runs: dict[int, list[tuple[datetime, datetime]]] = {}
    finished = DBTaskResult.objects.filter(
        task_path__endswith="upload_grade_run", finished_at__isnull=False
    ).values_list("args_kwargs", "started_at", "finished_at")
    for args_kwargs, began, ended in finished:
        args = (args_kwargs or {}).get("args") or []
        if args and began is not None and ended is not None:
            runs.setdefault(int(args[0]), []).append((began, ended))
    slots = {
        item.pk: item
        for item in AttemptItem.objects.filter(
            attempt__session_id=session_id, version__type__in=kinds.FILE_KINDS
        )
    }
    latency, took, at_submission = [], [], 0
    last: dict[int, Upload] = {}
    for upload in uploads:
        last[upload.item_id] = upload
        item = slots.get(upload.item_id)
        grading = gradings.get((upload.pk, item.version_id)) if item else None
        if grading is None or grading.graded_at is None:
            continue
        latency.append(_ms(grading.graded_at, upload.uploaded_at))
        took.append(float(grading.took_ms))
        if not any(began <= grading.graded_at <= ended for began, ended in runs.get(upload.pk, [])):
            at_submission += 1
    lost = 0
    for item in slots.values():
        want = expected.get(str(item.attempt_id), {}).get(str(item.position))
        counted = last.get(item.pk)
        if want is None:
            lost += counted is not None
            continue
        graded = counted is not None and (counted.pk, item.version_id) in gradings
        if counted is None or counted.sha256 != want or not graded:
            lost += 1
    return {
        "slots": len(slots),
        "uploads": len(uploads),
        "graded": len(latency),
        "graded_at_submission": at_submission,
        "lost_uploads": lost,
        "waited_seconds": round(waited, 1),
        "grading_latency_ms": latency,
        "grader_ms": took,
    }


def practical_figures(
    graders: int, result: dict[str, Any], graded: dict[str, Any]
) -> dict[str, Any]:
    """The practical task's figures, beside the contract's keys."""
    took = summary(graded["grader_ms"])
    latency = result["latency_ms"]
    return {
        "graders": graders,
        "slots": graded["slots"],
        "uploads": graded["uploads"],
        "graded": graded["graded"],
        "graded_at_submission": graded["graded_at_submission"],
        "lost_uploads": graded["lost_uploads"],
        "upload_retries": result["upload_retries"],
        "latency_ms": {
            "download": summary(latency["download"]),
            "upload": summary(latency["upload"]),
            "grading": summary(graded["grading_latency_ms"]),
        },
        "grader_ms": {"p50": took["p50"], "p99": took["p99"]},
    }


def say_practical(graded: dict[str, Any], progress: Callable[[str], None]) -> None:
    """What the report leaves out: how long the workers took after the test."""
    progress(
        _(
            "The workers graded the last uploads %(seconds)s s after the test; grading "
            "latency (ms) max %(max)s."
        )
        % {
            "seconds": graded["waited_seconds"],
            "max": round(max(graded["grading_latency_ms"], default=0.0), 1),
        }
    )
