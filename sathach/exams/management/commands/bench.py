"""`sathach bench exam-day …`: the test day measured on this machine (contracts/cli.md)."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sathach.exams.bench.day_faults import parse as parse_fault
from sathach.exams.bench.day_faults import render as render_faults
from sathach.exams.bench.exam_day import BenchError, Options, exam_day


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


def _not_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError(text)
    return value


def _fault(text: str) -> str:
    try:
        parse_fault(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error
    return text


PCTS = ("p50", "p95", "p99")


def render_table(report: dict[str, Any]) -> str:
    """The report for a terminal, with Vietnamese labels."""
    rows = [
        (_("Examinees"), str(report["examinees"])),
        (_("Questions each"), str(report["questions"])),
        (_("Server workers"), str(report["workers"])),
        (_("Database"), report["database"]),
        (_("Requests"), str(report["requests"])),
        (_("Errors"), str(report["errors"])),
        (_("Lost answers"), str(report["lost_answers"])),
        (_("Attempts not submitted"), str(report["unsubmitted"])),
        (_("Answers saved per second"), f"{report['saves_per_s']:.1f}"),
        (_("Upserts per second without HTTP"), f"{report['baseline_upserts_per_s']:.1f}"),
        (_("Efficiency"), f"{report['efficiency']:.3f}"),
    ]
    width = max(len(label) for label, _value in rows)
    lines = [_("Exam day on this machine"), ""]
    lines += [f"{label.ljust(width)}  {value}" for label, value in rows]
    kinds = [
        ("login", _("Sign-in")),
        ("save", _("Answer save")),
        ("page", _("Test page")),
        ("submit", _("Submission")),
    ]
    first = max(len(_("Latency (ms)")), *(len(label) for _kind, label in kinds))
    lines += ["", "  ".join([_("Latency (ms)").ljust(first), *(p.rjust(9) for p in PCTS)])]
    for kind, label in kinds:
        cells = [f"{report['latency_ms'][kind][p]:.1f}".rjust(9) for p in PCTS]
        lines.append("  ".join([label.ljust(first), *cells]))
    if "practical" in report:
        lines += ["", *_practical_table(report["practical"])]
    if "faults" in report:
        lines += render_faults(report)
    return "\n".join(lines)


def _practical_table(practical: dict[str, Any]) -> list[str]:
    """The practical task's figures (`--practical`)."""
    rows = [
        (_("Background workers grading"), str(practical["graders"])),
        (_("Practical slots"), str(practical["slots"])),
        (_("Files uploaded"), str(practical["uploads"])),
        (_("Files graded"), str(practical["graded"])),
        (_("Graded only at submission"), str(practical["graded_at_submission"])),
        (_("Uploads sent again after a network error"), str(practical["upload_retries"])),
        (_("Lost uploads"), str(practical["lost_uploads"])),
    ]
    kinds = [
        ("download", _("Download of the task's file")),
        ("upload", _("Upload of the finished file")),
        ("grading", _("Upload to graded")),
    ]
    width = max(len(label) for label, _value in rows)
    lines = [_("Practical task"), ""]
    lines += [f"{label.ljust(width)}  {value}" for label, value in rows]
    first = max(len(_("Latency (ms)")), *(len(label) for _kind, label in kinds))
    lines += ["", "  ".join([_("Latency (ms)").ljust(first), *(p.rjust(9) for p in PCTS)])]
    for kind, label in kinds:
        cells = [f"{practical['latency_ms'][kind][p]:.1f}".rjust(9) for p in PCTS]
        lines.append("  ".join([label.ljust(first), *cells]))
    took = practical["grader_ms"]
    cells = [f"{took['p50']:.1f}".rjust(9), "".rjust(9), f"{took['p99']:.1f}".rjust(9)]
    lines.append("  ".join([_("Grader's own time").ljust(first), *cells]))
    return lines


def _problems(report: dict[str, Any]) -> bool:
    practical = report.get("practical") or {}
    return bool(
        report["errors"]
        or report["lost_answers"]
        or report["unsubmitted"]
        or practical.get("lost_uploads")
        or practical.get("graded", 0) < practical.get("uploads", 0)
    )


class Command(BaseCommand):
    help = (
        "Benchmarks. 'exam-day' measures the test day on this machine end to end over HTTP: "
        "a temporary database (PostgreSQL on the server DATABASE_URL names, or SQLite) "
        "seeded with one session of N examinees, gunicorn with W workers on 127.0.0.1, N "
        "simulated examinees who sign in before the opening, answer every question through "
        "the autosave endpoint and submit within one minute; then the same upserts straight "
        "on the database as a baseline, and a check that every acknowledged answer is stored "
        "and every attempt submitted. Exit status 1 when there were errors, lost answers or "
        "unsubmitted attempts. Everything it starts is stopped and removed at the end. With "
        "--url the examinees go to a running deployment on this machine instead (the load "
        "balancer of scripts/cluster.sh) and the session is seeded in the database "
        "DATABASE_URL names. "
        "'signing' measures, in this process and without the database, signing a one-page "
        "document (the leader's PAdES B-T signature with an EC and an RSA key, the "
        "organisation's seal, opening a token with its PIN) and validating it with one and "
        "with two signatures: median and 95th percentile in milliseconds. With --practical "
        "every form also holds a document task (IU03): each examinee downloads its file, "
        "changes it and uploads it midway (a fifth upload a second version at the end), "
        "--graders background workers grade the uploads during the test, and the report adds "
        "the download, upload and grading latencies, the grader's time and a check that "
        "every examinee's last upload is the one kept and graded."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="benchmark", required=True)
        day = sub.add_parser("exam-day", help="the test day, end to end over HTTP")
        day.add_argument("--examinees", type=_positive, default=500, metavar="N")
        day.add_argument("--questions", type=_positive, default=40, metavar="Q")
        day.add_argument(
            "--think-ms",
            type=_not_negative,
            default=3000,
            metavar="T",
            help="mean think time before each action; 0 measures capacity",
        )
        day.add_argument("--workers", type=_positive, default=4, metavar="W")
        day.add_argument("--database", choices=["sqlite", "postgres"], default="postgres")
        day.add_argument(
            "--practical",
            action="store_true",
            help="a document task on every form, uploaded and graded during the test",
        )
        day.add_argument(
            "--graders",
            type=_positive,
            default=1,
            metavar="N",
            help="background workers grading the uploads (with --practical)",
        )
        day.add_argument(
            "--url",
            default="",
            metavar="URL",
            help=(
                "a running deployment on this machine (the load balancer of "
                "scripts/cluster.sh, e.g. http://127.0.0.1:58000): no server or temporary "
                "database of the bench's own; the session and its examinees are made in the "
                "database DATABASE_URL names, the one the servers use, and stay there"
            ),
        )
        day.add_argument(
            "--fault",
            action="append",
            default=[],
            type=_fault,
            metavar="ACTION@S",
            help=(
                "with --url: run `scripts/cluster.sh ACTION` S seconds after the opening, "
                "e.g. 'kill-app 2@90', 'start-app 2@110', 'failover@90', 'cut-app 2 20@90' "
                "(repeatable); the report gives each fault's figures"
            ),
        )
        day.add_argument("--json", action="store_true", help="one JSON document on stdout")
        signing = sub.add_parser("signing", help="signing and validating one document")
        signing.add_argument("--rounds", type=_positive, default=30, metavar="N")
        signing.add_argument("--json", action="store_true", help="one JSON document on stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["benchmark"] == "signing":
            self._signing(options)
            return
        bench = Options(
            examinees=options["examinees"],
            questions=options["questions"],
            think_ms=options["think_ms"],
            workers=options["workers"],
            database=options["database"],
            practical=options["practical"],
            graders=options["graders"],
            url=options["url"],
            faults=tuple(options["fault"]),
        )
        if bench.faults and not bench.url:
            raise CommandError(_("--fault needs --url: the faults are the cluster's."))
        quiet = options["verbosity"] == 0

        def progress(message: str) -> None:
            if not quiet:
                self.stderr.write(message)

        previous = None
        if threading.current_thread() is threading.main_thread():
            previous = signal.signal(signal.SIGTERM, _interrupt)
        try:
            report = exam_day(bench, progress)
        except BenchError as error:
            raise CommandError(str(error)) from error
        except KeyboardInterrupt:
            raise CommandError(
                _("Interrupted; the server and the temporary database are removed."),
                returncode=130,
            ) from None
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
        else:
            self.stdout.write(render_table(report))
        if _problems(report):
            message = _(
                "Errors: %(errors)s, lost answers: %(lost)s, unsubmitted: %(unsubmitted)s."
            ) % {
                "errors": report["errors"],
                "lost": report["lost_answers"],
                "unsubmitted": report["unsubmitted"],
            }
            if "practical" in report:
                message += " " + _("Lost uploads: %(lost)s, files not graded: %(ungraded)s.") % {
                    "lost": report["practical"]["lost_uploads"],
                    "ungraded": report["practical"]["uploads"] - report["practical"]["graded"],
                }
            raise CommandError(message)

    def _signing(self, options: dict[str, Any]) -> None:
        from sathach.signatures.bench import signing_bench

        report = signing_bench(rounds=options["rounds"])
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
            return
        labels = {
            "sign_leader_ec": _("Leader's signature, EC P-256 key"),
            "sign_leader_rsa": _("Leader's signature, RSA-2048 key"),
            "open_token_with_pin": _("Opening a virtual token with its PIN"),
            "sign_organization_seal": _("Organisation's seal signature"),
            "validate_one_signature": _("Validation, one signature"),
            "validate_leader_and_seal": _("Validation, leader and seal"),
            "validate_in_capped_child": _("Validation, one signature, in the capped child"),
        }
        width = max(len(label) for label in labels.values())
        self.stdout.write(
            _("Signing a one-page document on this machine (%(n)s rounds, ms)")
            % {"n": report["rounds"]}
        )
        self.stdout.write("")
        self.stdout.write(f"{'':{width}}  {_('median'):>9}  {'p95':>9}")
        for key, label in labels.items():
            timing = report["timings_ms"][key]
            self.stdout.write(f"{label:{width}}  {timing['median']:9.1f}  {timing['p95']:9.1f}")


def _interrupt(signum: int, frame: Any) -> NoReturn:
    """SIGTERM cleans up like Ctrl+C."""
    sys.stderr.flush()
    raise KeyboardInterrupt
