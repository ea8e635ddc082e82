"""What the exam page shows of a practical task: the download, the upload box, the passage
to type. The same HTML serves every examinee who drew the task (the page's script points
the links at the examinee's own attempt), so it is made once and kept like a question's."""

from __future__ import annotations

from typing import Any

FILE_KINDS = ("document", "spreadsheet", "presentation")
_EXTENSIONS = {
    "document": ".docx,.odt",
    "spreadsheet": ".xlsx,.ods",
    "presentation": ".pptx,.odp",
}
_STARTER_EXTENSION = {"document": ".docx", "spreadsheet": ".xlsx", "presentation": ".pptx"}


def practical_context(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """The template's variables for a practical task's inputs (empty for a question)."""
    if kind == "typing":
        starter = data.get("starter") or {}
        return {"passage": str(starter.get("passage") or "")}
    if kind not in FILE_KINDS:
        return {}
    starter = data.get("starter") or {}
    return {
        "accept": _EXTENSIONS[kind],
        "accept_label": _EXTENSIONS[kind].replace(",", ", "),
        "starter": bool(starter),
        "starter_extension": _STARTER_EXTENSION[kind],
        "starter_required": bool(data.get("starter_required")) and bool(starter),
    }
