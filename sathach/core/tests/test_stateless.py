"""Nothing that matters lives in one server process (issue 20, point 1): with several
application servers behind a balancer, a request may land on any of them, and any of them
may be killed. These checks keep it so as the code grows."""

from __future__ import annotations

import ast
from pathlib import Path

from axes.conf import settings as axes_settings
from django.conf import settings
from django.core.files.storage import default_storage
from django.test import SimpleTestCase

from sathach.core.storage import DatabaseStorage

ROOT = Path(__file__).resolve().parents[2]
# Per-process memoisation is allowed only of what ships with the code: fonts, the official
# lists of units, compiled XPath, the labels of the audit log's codes.
MEMOISED = {
    "core/audit_summary.py",
    "organization/credentials.py",
    "organization/lineage.py",
    "organization/official.py",
    "practical/graders/presentation.py",
    "reports/figure_base.py",
    "signatures/signing.py",
}


def sources() -> list[tuple[str, ast.Module]]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/tests/" in f"/{relative}" or "/migrations/" in relative:
            continue
        found.append((relative, ast.parse(path.read_text(encoding="utf-8"))))
    return found


class StatelessTestCase(SimpleTestCase):
    def test_sessions_lockouts_jobs_and_files_are_in_the_database(self) -> None:
        self.assertEqual(settings.SESSION_ENGINE, "django.contrib.sessions.backends.db")
        self.assertEqual(axes_settings.AXES_HANDLER, "axes.handlers.database.AxesDatabaseHandler")
        self.assertEqual(
            settings.MESSAGE_STORAGE, "django.contrib.messages.storage.session.SessionStorage"
        )
        self.assertEqual(settings.TASKS["default"]["BACKEND"], "django_tasks_db.DatabaseBackend")
        self.assertIsInstance(default_storage, DatabaseStorage)

    def test_no_code_uses_djangos_cache(self) -> None:
        users = [
            name
            for name, tree in sources()
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            and (node.module or "").startswith("django.core.cache")
        ]
        self.assertEqual(users, [], "a cache is per process unless configured otherwise")

    def test_per_process_memoisation_only_of_what_ships_with_the_code(self) -> None:
        memoising = {
            name
            for name, tree in sources()
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef)
            for decorator in node.decorator_list
            if ast.unparse(decorator).split("(")[0].removeprefix("functools.")
            in ("cache", "lru_cache")
        }
        self.assertLessEqual(memoising, MEMOISED, "a new per-process cache: is it safe?")

    def test_no_module_keeps_state_in_a_global_variable(self) -> None:
        writers = sorted(
            name
            for name, tree in sources()
            for node in ast.walk(tree)
            if isinstance(node, ast.Global)
        )
        # The signing sandbox's process pool is the one: a pool of this process's own.
        self.assertEqual(writers, ["signatures/sandbox.py"])
