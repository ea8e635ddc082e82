from __future__ import annotations

import json
import zipfile
from io import StringIO
from pathlib import Path
from tempfile import TemporaryDirectory

from django.core.management import CommandError, call_command
from django.test import TestCase

from sathach.organization.models import AdministrativeUnit

# A province in the layout of vietnam-provinces 2025.x (province > wards), trimmed.
LIST_2025 = [
    {
        "name": "Thành phố Cần Thơ",
        "code": 92,
        "codename": "can_tho",
        "division_type": "thành phố trung ương",
        "phone_code": 292,
        "wards": [
            {
                "name": "Xã An Thạnh",
                "code": 31618,
                "codename": "xa_an_thanh",
                "division_type": "xã",
            },
            {
                "name": "Xã Cù Lao Dung",
                "code": 31627,
                "codename": "xa_cu_lao_dung",
                "division_type": "xã",
            },
            {
                "name": "Phường Ninh Kiều",
                "code": 31150,
                "codename": "phuong_ninh_kieu",
                "division_type": "phường",
            },
        ],
    }
]


class OfficialListTestCase(TestCase):
    def load(self, *args: str) -> str:
        out = StringIO()
        call_command("units", "load-official", *args, stdout=out)
        return out.getvalue()

    def test_it_loads_cu_lao_dung_of_2020_from_the_installed_list(self) -> None:
        self.load("94", "--district", "945")
        district = AdministrativeUnit.objects.get(era="2020", level=2, code="945")
        communes = {u.code: (u.name, u.kind) for u in district.children.all()}
        self.assertEqual(
            sorted(communes),
            ["31615", "31618", "31621", "31624", "31627", "31630", "31633", "31636"],
        )
        self.assertEqual(communes["31615"], ("Thị trấn Cù Lao Dung", "thi_tran"))
        self.assertEqual(communes["31627"], ("Xã Đại Ân 1", "xa"))
        self.assertEqual(district.parent.code, "94")
        self.assertEqual(district.parent.name, "Tỉnh Sóc Trăng")

    def test_loading_twice_changes_nothing(self) -> None:
        self.load("94", "--district", "945")
        count = AdministrativeUnit.objects.count()
        output = self.load("94", "--district", "945")
        self.assertEqual(AdministrativeUnit.objects.count(), count)
        self.assertIn("0", output)

    def test_it_loads_a_whole_province_in_one_command(self) -> None:
        self.load("94")
        province = AdministrativeUnit.objects.get(era="2020", level=1, code="94")
        self.assertEqual(province.children.count(), 11)
        self.assertGreater(AdministrativeUnit.objects.filter(level=3).count(), 100)

    def test_it_loads_the_merged_divisions_of_2025_from_a_wheel(self) -> None:
        with TemporaryDirectory() as folder:
            wheel = Path(folder) / "vietnam_provinces-2025.10.1-py3-none-any.whl"
            with zipfile.ZipFile(wheel, "w") as archive:
                archive.writestr(
                    "vietnam_provinces/data/nested-divisions.json", json.dumps(LIST_2025)
                )
            self.load("92", "--source", str(wheel))
        city = AdministrativeUnit.objects.get(era="2025", level=1, code="92")
        self.assertEqual(city.kind, "thanh_pho_tw")
        wards = {u.code: u.kind for u in city.children.all()}
        self.assertEqual(wards, {"31618": "xa", "31627": "xa", "31150": "phuong"})

    def test_both_eras_live_side_by_side_despite_shared_codes(self) -> None:
        self.load("94", "--district", "945")
        with TemporaryDirectory() as folder:
            path = Path(folder) / "nested-divisions.json"
            path.write_text(json.dumps(LIST_2025))
            self.load("92", "--source", str(path))
        self.assertEqual(AdministrativeUnit.objects.filter(code="31618").count(), 2)

    def test_an_unknown_province_is_a_clear_error(self) -> None:
        with self.assertRaises(CommandError):
            self.load("999")
        self.assertFalse(AdministrativeUnit.objects.exists())

    def test_a_file_that_is_not_a_list_is_a_clear_error(self) -> None:
        with TemporaryDirectory() as folder:
            path = Path(folder) / "bad.json"
            path.write_text("{not json")
            with self.assertRaises(CommandError):
                self.load("94", "--source", str(path))
