from __future__ import annotations

from typing import Any


def credentials_pdf(unit: Any, issued: Any) -> bytes:
    raise NotImplementedError
