"""Reads of the practical tasks for the proctor's page."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sathach.exams.models import PRACTICAL, Attempt, AttemptItem
from sathach.practical import kinds
from sathach.practical.models import Upload
from sathach.practical.scoring import Row, fraction_of, weight_of
from sathach.practical.services import slot_rows


@dataclass
class PracticalSlot:
    item: AttemptItem
    rows: list[Row] | None
    uploads: list[Upload] = field(default_factory=list)
    criteria: list[dict[str, Any]] = field(default_factory=list)

    @property
    def is_file(self) -> bool:
        return self.item.version.type in kinds.FILE_KINDS

    @property
    def counted(self) -> Upload | None:
        return self.uploads[-1] if self.uploads else None

    @property
    def flagged(self) -> list[Upload]:
        return [upload for upload in self.uploads if upload.flagged]

    @property
    def points(self) -> Decimal | None:
        if self.rows is None:
            return None
        return (fraction_of(self.rows) * self.item.mark).quantize(Decimal("0.01"))


def attempt_practical_slots(attempt: Attempt) -> list[PracticalSlot]:
    """Each practical slot of the attempt with its files (oldest first; the last counts),
    where each came from, and its grading criterion by criterion."""
    items = list(
        attempt.items.select_related("version")
        .filter(version__type__in=PRACTICAL)
        .order_by("position")
    )
    rows = slot_rows(items, grade_missing=False)
    uploads: dict[int, list[Upload]] = {}
    for upload in (
        Upload.objects.filter(item__in=items)
        .select_related("origin_attempt__person")
        .order_by("uploaded_at", "pk")
    ):
        uploads.setdefault(upload.item_id, []).append(upload)
    slots = []
    for item in items:
        specs = item.version.data.get("criteria") or []
        criteria = [
            {
                "key": str(spec.get("key")),
                "label": kinds.criterion_label(item.version.type, str(spec.get("key"))),
                "weight": weight_of(spec),
            }
            for spec in specs
        ]
        slots.append(PracticalSlot(item, rows.get(item.pk), uploads.get(item.pk, []), criteria))
    return slots
