"""Small graders of the four kinds for the bank's tests, so that they do not depend on the
real graders' catalogues: the same shape (CRITERIA, EXTENSIONS, make_starter,
validate_specs), a few criteria with each shape of parameter.

    with fake_graders():
        ...   # kinds.grader(kind) answers these
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any
from unittest import mock

import docx

from sathach.practical.graders.base import Criterion


def _margins(params: Mapping[str, Any]) -> list[str]:
    low, high = params["left"]
    return [] if 10 <= low <= high <= 60 else ["Lề trái phải từ 10 đến 60 mm."]


def _validate(catalogue: dict[str, Criterion]) -> Any:
    def validate_specs(specs: Any) -> list[str]:
        problems = []
        for spec in specs:
            criterion = catalogue.get(spec.get("key"))
            if criterion is None:
                problems.append(f"Không có tiêu chí {spec.get('key')}.")
            elif criterion.validate is not None:
                params = {**criterion.defaults, **(spec.get("params") or {})}
                problems += [f"{criterion.label}: {p}" for p in criterion.validate(params)]
        return problems

    return validate_specs


def _docx(starter: Mapping[str, Any]) -> bytes | None:
    if not starter.get("text"):
        return None
    document = docx.Document()
    for line in str(starter["text"]).split("\n"):
        document.add_paragraph(line)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


CATALOGUES = {
    "document": {
        "margins": Criterion("margins", "Lề trang", {"left": [30, 35], "top": [20, 25]}, _margins),
        "font": Criterion("font", "Phông chữ", {"name": "Times New Roman"}),
        "contains_text": Criterion("contains_text", "Nội dung bắt buộc", {"phrases": []}),
        "page_numbers": Criterion("page_numbers", "Đánh số trang", {"from_second": True}),
        "spacing": Criterion("spacing", "Giãn dòng", {"between_min": 6, "exact": None}),
    },
    "spreadsheet": {
        "formula": Criterion("formula", "Công thức", {}),
        "data_kept": Criterion("data_kept", "Giữ nguyên dữ liệu", {}),
    },
    "presentation": {
        "slide_count": Criterion("slide_count", "Số trang chiếu", {"min": 3, "max": None}),
        "picture": Criterion("picture", "Hình ảnh", {"min": 1}),
    },
    "typing": {
        "accuracy": Criterion("accuracy", "Độ chính xác", {"full": 98, "zero": 80}),
        "speed": Criterion("speed", "Tốc độ gõ", {"full": 25, "zero": 10}),
    },
}
GRADERS = {
    kind: SimpleNamespace(
        CRITERIA=catalogue,
        EXTENSIONS=(".docx",),
        make_starter=_docx if kind == "document" else (lambda starter: None),
        validate_specs=_validate(catalogue),
        PARAM_LABELS={"left": "Lề trái (mm)"} if kind == "document" else {},
    )
    for kind, catalogue in CATALOGUES.items()
}


def grader(kind: str) -> Any:
    if kind not in GRADERS:
        raise KeyError(kind)
    return GRADERS[kind]


@contextmanager
def fake_graders() -> Iterator[None]:
    with mock.patch("sathach.practical.kinds.grader", grader):
        yield
