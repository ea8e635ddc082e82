"""The kinds of practical task and their graders, in one place.

Each kind's grader is a module of `sathach.practical.graders` named after the kind, with
the shape docs/PRACTICAL.md describes (CRITERIA, EXTENSIONS, make_starter, grade or
grade_typed, validate_specs)."""

from __future__ import annotations

from importlib import import_module
from types import ModuleType
from typing import Any

from sathach.practical.graders.base import Criterion

KINDS = ("document", "spreadsheet", "presentation", "typing")
# The kinds whose answer is a file the leader uploads; typing is typed in the page.
FILE_KINDS = ("document", "spreadsheet", "presentation")
# The file a starter is made as, for each file kind.
STARTER_EXTENSION = {"document": ".docx", "spreadsheet": ".xlsx", "presentation": ".pptx"}


def grader(kind: str) -> ModuleType:
    if kind not in KINDS:
        raise KeyError(kind)
    return import_module(f"sathach.practical.graders.{kind}")


def extensions(kind: str) -> tuple[str, ...]:
    """The files a leader may send for a task of `kind`."""
    return tuple(grader(kind).EXTENSIONS)


def criteria(kind: str) -> dict[str, Criterion]:
    return dict(grader(kind).CRITERIA)


def criterion_label(kind: str, key: str) -> str:
    criterion = criteria(kind).get(key) if kind in KINDS else None
    return str(criterion.label) if criterion else key


def validate(kind: str, data: dict[str, Any]) -> list[str]:
    """The problems of a task's criteria, in Vietnamese (empty: none)."""
    return list(grader(kind).validate_specs(data.get("criteria") or []))


def starter_file(kind: str, data: dict[str, Any]) -> bytes | None:
    """The file the leader downloads for this task, unmarked; None when they start from
    nothing."""
    if kind not in FILE_KINDS:
        return None
    made: bytes | None = grader(kind).make_starter(data.get("starter") or {})
    return made


def starter_wanted(kind: str, data: dict[str, Any]) -> bool:
    """Whether the leader must work on the downloaded file (an upload made from nothing, or
    from another's download, is then flagged for the proctor)."""
    return kind in FILE_KINDS and bool(data.get("starter_required")) and bool(data.get("starter"))
