"""One exporter per report (STYLE.md): an identifier, a title, and either the sheets of a
workbook or the blocks of a document; `workbook.py` and `documents.py` render them.

- `ResultsWorkbook`: the results workbook (.xlsx): leaders, communes, the ranking, readiness.
- `ResultsReport`: "Báo cáo kết quả kiểm tra kỹ năng tin học và ứng dụng công nghệ thông tin
  của lãnh đạo UBND các xã, thị trấn" (.docx, .pdf) in the Nghị định 30 layout.
- `AwardDecisionDraft`: the draft Quyết định khen thưởng (.docx, .pdf).
- `InvitationNotice`: the Thông báo inviting the leaders to the test (.docx, .pdf).
"""

from __future__ import annotations

from sathach.reports.exporters.base import CONTENT_TYPES, Exporter
from sathach.reports.exporters.decision import AwardDecisionDraft
from sathach.reports.exporters.invitation import InvitationNotice
from sathach.reports.exporters.report import ResultsReport
from sathach.reports.exporters.results import ResultsWorkbook

EXPORTERS: dict[str, type[Exporter]] = {
    exporter.identifier: exporter
    for exporter in (ResultsWorkbook, ResultsReport, AwardDecisionDraft, InvitationNotice)
}

__all__ = [
    "CONTENT_TYPES",
    "EXPORTERS",
    "AwardDecisionDraft",
    "Exporter",
    "InvitationNotice",
    "ResultsReport",
    "ResultsWorkbook",
]
