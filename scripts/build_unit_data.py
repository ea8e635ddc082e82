"""Rebuild sathach/organization/data/ from the vietnam-provinces sources (docs/UNITS.md).

    python3 scripts/build_unit_data.py OLD_NESTED_JSON NEW_NESTED_JSON CONVERSION_CSV

OLD_NESTED_JSON: vietnam_provinces/data/nested-divisions.json of version 0.6.0 (the list
before 1/7/2025, data of 4/1/2025); NEW_NESTED_JSON: the same file of version 2026.2.3 (the
official list from 1/7/2025); CONVERSION_CSV: dev/seed-data/2025-07/
BangChuyendoiĐVHCmoi_cu_khong_merge.csv of the same repository commit. Only codes, names and
types are kept; one province per line, so that a change reads as a small diff.
"""

from __future__ import annotations

import csv
import json
import sys
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "sathach" / "organization" / "data"


def _text(value: str) -> str:
    return unicodedata.normalize("NFC", " ".join(value.split()))


def _unit(item: dict, children: list | None = None) -> list:
    row = [int(item["code"]), _text(item["name"]), _text(item["division_type"])]
    return row if children is None else [*row, children]


def _write(name: str, header: dict, rows: list) -> None:
    lines = [json.dumps(row, ensure_ascii=False, separators=(",", ":")) for row in rows]
    head = json.dumps(header, ensure_ascii=False)
    body = ",\n".join(lines)
    (OUT / name).write_text(f'{{"about":{head},\n"items":[\n{body}\n]}}\n', "utf-8")


def main(old_json: str, new_json: str, conversion_csv: str) -> None:
    old = json.loads(Path(old_json).read_text("utf-8"))
    _write(
        "divisions-2020.json",
        {"era": "2020", "source": "vietnam-provinces 0.6.0 (GSO, 4/1/2025)"},
        [
            _unit(p, [_unit(d, [_unit(w) for w in d.get("wards", [])]) for d in p["districts"]])
            for p in old
        ],
    )
    new = json.loads(Path(new_json).read_text("utf-8"))
    _write(
        "divisions-2025.json",
        {"era": "2025", "source": "vietnam-provinces 2026.2.3 (danhmuchanhchinh.nso.gov.vn)"},
        [_unit(p, [_unit(w) for w in p["wards"]]) for p in new],
    )
    targets: dict[int, list[int]] = {}
    with open(conversion_csv, encoding="utf-8") as file:
        for row in csv.reader(file):
            if len(row) > 4 and row[2].strip().isdigit() and row[4].strip().isdigit():
                found = targets.setdefault(int(row[4]), [])
                if int(row[2]) not in found:
                    found.append(int(row[2]))
    _write(
        "conversion-2025.json",
        {
            "source": "vietnam-provinces 2026.2.3, BangChuyendoiĐVHCmoi_cu_khong_merge.csv",
            "layout": "[code before 1/7/2025, [codes from 1/7/2025 that absorbed it]]",
        },
        [[old_code, new_codes] for old_code, new_codes in sorted(targets.items())],
    )


if __name__ == "__main__":
    main(*sys.argv[1:])
