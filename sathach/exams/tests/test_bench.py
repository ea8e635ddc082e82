"""`sathach bench exam-day`: a small real run over HTTP, its report and its percentiles."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from sathach.exams.bench import exam_day
from sathach.exams.bench.stats import percentile, summary
from sathach.exams.management.commands.bench import render_table

KEYS = [
    "examinees",
    "questions",
    "workers",
    "database",
    "requests",
    "errors",
    "lost_answers",
    "unsubmitted",
    "saves_per_s",
    "baseline_upserts_per_s",
    "efficiency",
    "latency_ms",
]


def sathach() -> list[str]:
    script = Path(sys.executable).with_name("sathach")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from sathach.cli import main; main()"]


def test_a_small_exam_day_runs_end_to_end_and_reports_as_the_contract_says() -> None:
    completed = subprocess.run(
        [
            *sathach(),
            "bench",
            "-v0",
            "exam-day",
            "--examinees",
            "5",
            "--questions",
            "4",
            "--think-ms",
            "0",
            "--workers",
            "1",
            "--database",
            "sqlite",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    assert list(report) == KEYS
    assert (report["examinees"], report["questions"], report["workers"]) == (5, 4, 1)
    assert report["database"] == "sqlite"
    assert (report["errors"], report["lost_answers"], report["unsubmitted"]) == (0, 0, 0)
    # Each examinee: login page, sign-in, My tests (the code box waits there), the code
    # (its answer is the test page), 4 answers and 1 change, the submission and the review.
    assert report["requests"] == 5 * 11
    assert report["saves_per_s"] > 0 and report["baseline_upserts_per_s"] > 0
    assert report["efficiency"] == pytest.approx(
        report["saves_per_s"] / report["baseline_upserts_per_s"], abs=0.002
    )
    assert list(report["latency_ms"]) == ["login", "save", "page", "submit"]
    for figures in report["latency_ms"].values():
        assert list(figures) == ["p50", "p95", "p99"]
        assert 0 < figures["p50"] <= figures["p95"] <= figures["p99"]


def test_a_small_exam_day_with_a_practical_task_reports_its_uploads_and_gradings() -> None:
    completed = subprocess.run(
        [
            *sathach(),
            "bench",
            "-v0",
            "exam-day",
            "--examinees",
            "3",
            "--questions",
            "2",
            "--think-ms",
            "0",
            "--workers",
            "1",
            "--database",
            "sqlite",
            "--practical",
            "--graders",
            "2",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    # The contract's keys, as they are, and the practical task's beside them.
    assert list(report) == [*KEYS, "practical"]
    assert (report["errors"], report["lost_answers"], report["unsubmitted"]) == (0, 0, 0)
    practical = report["practical"]
    assert practical["graders"] == 2 and practical["slots"] == 3
    # One upload each midway, and a second version for some.
    assert 3 <= practical["uploads"] <= 6
    assert practical["graded"] == practical["uploads"]
    assert 0 <= practical["graded_at_submission"] <= practical["graded"]
    assert practical["lost_uploads"] == 0 and practical["upload_retries"] == 0
    # 8 requests each as above with 2 questions (no change), the download and the uploads.
    assert report["requests"] == 3 * 8 + 3 + practical["uploads"]
    assert list(practical["latency_ms"]) == ["download", "upload", "grading"]
    for figures in practical["latency_ms"].values():
        assert list(figures) == ["p50", "p95", "p99"]
        assert 0 < figures["p50"] <= figures["p95"] <= figures["p99"]
    # Grading waits for the file and then runs the grader.
    assert practical["latency_ms"]["grading"]["p50"] >= practical["grader_ms"]["p50"] > 0
    assert practical["grader_ms"]["p50"] <= practical["grader_ms"]["p99"]


def test_the_load_skips_practical_tasks_among_the_questions_and_knows_their_slots() -> None:
    from sathach.exams.bench.load import _questions

    page = (
        '<fieldset class="q" id="q1" data-pos="1" data-type="single" data-seq="0">'
        '<input type="radio" name="q1" value="3"><input type="radio" name="q1" value="5">'
        "</fieldset>"
        '<fieldset class="q" id="q2" data-pos="2" data-type="document" data-seq="0">'
        '<div class="task-file" data-task="document"><input type="file" data-upload></div>'
        "</fieldset>"
    )
    assert _questions(page) == [(1, "single", [3, 5]), (2, "document", [])]


def test_the_load_changes_the_downloaded_body_and_keeps_the_mark() -> None:
    import io

    import docx

    from sathach.exams.bench.load import edited_docx
    from sathach.exams.bench.practical import EDIT_FIND, STARTER
    from sathach.practical.files import embed_mark, read_mark
    from sathach.practical.graders.document import make_starter

    starter = make_starter(STARTER)
    assert starter is not None
    mark = "sathach:7:3:0123456789abcdef"
    changed = edited_docx(embed_mark(starter, mark), EDIT_FIND, "bench00001, bản 1 <&>")
    assert read_mark(changed) == mark
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(changed)).paragraphs)
    assert "bench00001, bản 1 <&>" in text and EDIT_FIND not in text
    assert "Kính gửi: Ủy ban nhân dân các xã, thị trấn." in text
    with pytest.raises(ValueError):
        edited_docx(changed, EDIT_FIND, "again")


def test_the_bench_task_is_a_valid_document_task_of_six_to_eight_criteria() -> None:
    from sathach.exams.bench.practical import CRITERIA, STARTER
    from sathach.practical import kinds

    data = {"criteria": CRITERIA, "starter": STARTER, "starter_required": True}
    assert kinds.validate("document", data) == []
    assert 6 <= len(CRITERIA) <= 8


def test_percentile_interpolates_between_the_closest_ranks() -> None:
    values = [50.0, 15.0, 40.0, 20.0, 35.0]
    assert percentile(values, 0) == 15.0
    assert percentile(values, 50) == 35.0
    assert percentile(values, 40) == pytest.approx(29.0)  # between 20 and 35
    assert percentile(values, 95) == pytest.approx(48.0)  # between 40 and 50
    assert percentile(values, 100) == 50.0
    assert percentile([7.0], 99) == 7.0
    assert percentile([], 99) == 0.0


def test_percentile_refuses_a_rank_outside_0_to_100() -> None:
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_summary_gives_p50_p95_p99_rounded_to_a_tenth() -> None:
    values = [v / 3 for v in range(101)]
    assert summary(values) == {"p50": 16.7, "p95": 31.7, "p99": 33.0}


def _report(**changes: Any) -> dict[str, Any]:
    figures = {"p50": 1.0, "p95": 2.0, "p99": 3.0}
    report: dict[str, Any] = {
        "examinees": 2,
        "questions": 3,
        "workers": 1,
        "database": "sqlite",
        "requests": 30,
        "errors": 0,
        "lost_answers": 0,
        "unsubmitted": 0,
        "saves_per_s": 100.0,
        "baseline_upserts_per_s": 400.0,
        "efficiency": 0.25,
        "latency_ms": {kind: figures for kind in ("login", "save", "page", "submit")},
    }
    report.update(changes)
    return report


@pytest.mark.parametrize("problem", ["errors", "lost_answers", "unsubmitted"])
def test_the_command_fails_when_the_run_found_a_problem(
    monkeypatch: pytest.MonkeyPatch, problem: str
) -> None:
    # The run itself is the end-to-end test above; here only the exit rule is checked.
    monkeypatch.setattr(
        "sathach.exams.management.commands.bench.exam_day",
        lambda options, progress: _report(**{problem: 1}),
    )
    with pytest.raises(CommandError):
        call_command("bench", "exam-day", "--json", verbosity=0)


def _practical(**changes: Any) -> dict[str, Any]:
    figures = {"p50": 1.0, "p95": 2.0, "p99": 3.0}
    practical: dict[str, Any] = {
        "graders": 1,
        "slots": 2,
        "uploads": 3,
        "graded": 3,
        "graded_at_submission": 1,
        "lost_uploads": 0,
        "upload_retries": 0,
        "latency_ms": {kind: figures for kind in ("download", "upload", "grading")},
        "grader_ms": {"p50": 41.5, "p99": 77.0},
    }
    practical.update(changes)
    return practical


@pytest.mark.parametrize("problem", [{"lost_uploads": 1}, {"graded": 2}])
def test_the_command_fails_when_an_upload_was_lost_or_not_graded(
    monkeypatch: pytest.MonkeyPatch, problem: dict[str, int]
) -> None:
    monkeypatch.setattr(
        "sathach.exams.management.commands.bench.exam_day",
        lambda options, progress: _report(practical=_practical(**problem)),
    )
    with pytest.raises(CommandError):
        call_command("bench", "exam-day", "--practical", "--json", verbosity=0)


def test_the_command_passes_the_practical_options_on(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []

    def run(options: Any, progress: Any) -> dict[str, Any]:
        seen.append(options)
        return _report(practical=_practical())

    monkeypatch.setattr("sathach.exams.management.commands.bench.exam_day", run)
    call_command("bench", "exam-day", "--practical", "--graders", "3", "--json", verbosity=0)
    call_command("bench", "exam-day", "--json", verbosity=0)
    assert [(o.practical, o.graders) for o in seen] == [(True, 3), (False, 1)]


def test_the_table_adds_the_practical_figures_when_there_are_some() -> None:
    table = render_table(_report(practical=_practical()))
    assert "41.5" in table and "77.0" in table
    assert len(table.splitlines()) == 2 + 11 + 2 + 4 + 1 + 2 + 7 + 2 + 3 + 1


def test_the_table_names_every_figure() -> None:
    table = render_table(_report(saves_per_s=812.4))
    assert "812.4" in table
    assert "p99" in table
    assert len(table.splitlines()) == 2 + 11 + 2 + 4


def test_a_database_elsewhere_than_this_machine_is_refused() -> None:
    with pytest.raises(exam_day.BenchError):
        exam_day._check_local("postgres://postgres@db.example.org:5432/postgres")
    exam_day._check_local("postgres://postgres@127.0.0.1:5432/postgres")


def test_a_url_elsewhere_than_this_machine_or_not_http_is_refused() -> None:
    from sathach.exams.bench.remote import target

    for url in ("http://thi.example.gov.vn:8000", "https://127.0.0.1:58000", "127.0.0.1:58000"):
        with pytest.raises(exam_day.BenchError):
            target(url)
    assert target("http://127.0.0.1:58000") == ("127.0.0.1", 58000)
    assert target("http://localhost/") == ("localhost", 80)


def test_the_command_passes_the_url_on(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []

    def run(options: Any, progress: Any) -> dict[str, Any]:
        seen.append(options)
        return _report()

    monkeypatch.setattr("sathach.exams.management.commands.bench.exam_day", run)
    call_command("bench", "exam-day", "--url", "http://127.0.0.1:58000", "--json", verbosity=0)
    call_command("bench", "exam-day", "--json", verbosity=0)
    assert [o.url for o in seen] == ["http://127.0.0.1:58000", ""]


def test_slow_saves_are_counted_per_10_seconds_after_the_opening() -> None:
    from sathach.exams.bench.load import _slow_saves

    opened = 1000.0
    sent = [1001.0, 1002.0, 1009.9, 1012.0, 1031.0, 1035.0]
    latency = [50.0, 150.0, 120.04, 30.0, 99.0, 400.0]
    # Windows without a save over 100 ms (10 s) are left out.
    assert _slow_saves(sent, latency, opened) == [[0, 3, 2, 150.0], [30, 2, 1, 400.0]]


class WaitingRoomBrowser:
    """A browser whose "My tests" refreshes are recorded with whether the session was open."""

    def __init__(self, run: Any) -> None:
        self.run = run
        self.paths: list[tuple[bool, str]] = []

    async def get(self, path: str) -> Any:
        from sathach.exams.bench.http import Response

        self.paths.append((self.run.opened.is_set(), path))
        return Response(200, {}, b'<form action="/thi/7/bat-dau/">')


def test_the_waiting_room_refreshes_and_the_code_comes_within_the_opening_minute() -> None:
    import asyncio
    import random
    import time

    from sathach.exams.bench.load import Examinee, Plan, Run

    plan = Plan(
        port=0,
        usernames=["a"],
        password="",
        access_code="",
        think_ms=10,
        login_slots=1,
        refresh_seconds=0.05,
        opening_seconds=0.3,
    )
    run = Run(plan)
    browser = WaitingRoomBrowser(run)

    async def scenario() -> float:
        async def open_later() -> None:
            await asyncio.sleep(0.3)
            run.opened_monotonic = time.monotonic()
            run.opened.set()

        opener = asyncio.create_task(open_later())
        entry_at = await run.wait_room(browser, Examinee("a", random.Random(1)))  # type: ignore[arg-type]
        await opener
        return entry_at

    entry_at = asyncio.run(scenario())
    # The list refreshed before the opening and until the code, each refresh timed.
    assert sum(1 for opened, _path in browser.paths if not opened) >= 3
    assert all(path == "/thi/?part=list" for _opened, path in browser.paths)
    assert len(run.latency["waiting"]) == len(browser.paths) == run.requests
    assert run.errors == 0
    # The code is typed at a moment within the opening's minute (here 0.3 s).
    assert run.opened_monotonic <= entry_at <= run.opened_monotonic + plan.opening_seconds


def test_a_capacity_run_waits_for_the_opening_without_refreshing() -> None:
    import asyncio
    import random

    from sathach.exams.bench.load import Examinee, Plan, Run

    plan = Plan(port=0, usernames=["a"], password="", access_code="", think_ms=0, login_slots=1)
    run = Run(plan)
    browser = WaitingRoomBrowser(run)

    async def scenario() -> None:
        run.opened.set()
        await run.wait_room(browser, Examinee("a", random.Random(1)))  # type: ignore[arg-type]

    asyncio.run(scenario())
    assert browser.paths == [] and run.latency["waiting"] == []
