"""What the exam page shows of a practical task: the download, the upload box, the passage
to type. The same HTML serves every examinee who drew the task (the page's script points
the links at the examinee's own attempt), so it is made once and kept like a question's."""

from __future__ import annotations

from typing import Any

from sathach.practical import kinds


def practical_context(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """The template's variables for a practical task's inputs (empty for a question)."""
    if kind == "typing":
        starter = data.get("starter") or {}
        return {"passage": str(starter.get("passage") or "")}
    if kind not in kinds.FILE_KINDS:
        return {}
    starter = data.get("starter") or {}
    extensions = kinds.extensions(kind)
    return {
        "accept": ",".join(extensions),
        "accept_label": ", ".join(extensions),
        "starter": bool(starter),
        "starter_extension": kinds.STARTER_EXTENSION[kind],
        "starter_required": bool(data.get("starter_required")) and bool(starter),
    }
