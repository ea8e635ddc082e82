from __future__ import annotations

import json
import sys
import zipfile
from io import StringIO
from pathlib import Path
from tempfile import TemporaryDirectory
from unittest import mock

from django.core.management import CommandError, call_command
from django.test import TestCase

from sathach.organization.models import AdministrativeUnit
from sathach.organization.official import builtin_divisions

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
        self.load("94", "--era", "2020", "--district", "945")
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
        self.load("94", "--era", "2020", "--district", "945")
        count = AdministrativeUnit.objects.count()
        output = self.load("94", "--era", "2020", "--district", "945")
        self.assertEqual(AdministrativeUnit.objects.count(), count)
        self.assertIn("0", output)

    def test_it_loads_a_whole_province_in_one_command(self) -> None:
        self.load("94", "--era", "2020")
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
        self.load("94", "--era", "2020", "--district", "945")
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


class ShippedListsTestCase(TestCase):
    """Both lists load from a fresh install: no download, no file, no package to import."""

    def load_json(self, *args: str) -> dict:
        out = StringIO()
        # Nothing of the vietnam-provinces package may be needed any more.
        with mock.patch.dict(sys.modules, {"vietnam_provinces": None}):
            call_command("units", "load-official", *args, "--json", stdout=out)
        return json.loads(out.getvalue())

    def test_todays_list_is_the_default_and_has_34_provinces_and_3321_communes(self) -> None:
        provinces = builtin_divisions("2025")
        self.assertEqual(len(provinces), 34)
        self.assertEqual(sum(len(p["wards"]) for p in provinces), 3321)

    def test_it_loads_todays_can_tho_and_answers_in_one_json_document(self) -> None:
        document = self.load_json("92")
        self.assertEqual(
            document,
            {
                "era": "2025",
                "province": {"code": "92", "name": "Thành phố Cần Thơ"},
                "created": 104,
                "updated": 0,
                "units": {"province": 1, "commune": 103},
            },
        )
        city = AdministrativeUnit.objects.get(era="2025", level=1, code="92")
        self.assertEqual(city.kind, "thanh_pho_tw")
        self.assertEqual(city.children.count(), 103)
        an_thanh = city.children.get(code="31615")
        self.assertEqual((an_thanh.name, an_thanh.kind), ("Xã An Thạnh", "xa"))

    def test_running_it_twice_creates_nothing_new(self) -> None:
        self.load_json("92")
        again = self.load_json("92")
        self.assertEqual((again["created"], again["updated"]), (0, 0))
        self.assertEqual(AdministrativeUnit.objects.count(), 104)

    def test_the_2020_list_loads_a_district_with_its_own_count(self) -> None:
        document = self.load_json("94", "--era", "2020", "--district", "945")
        self.assertEqual(
            document,
            {
                "era": "2020",
                "province": {"code": "94", "name": "Tỉnh Sóc Trăng"},
                "created": 10,
                "updated": 0,
                "units": {"province": 1, "district": 1, "commune": 8},
            },
        )

    def test_the_whole_2020_list_is_shipped(self) -> None:
        provinces = builtin_divisions("2020")
        self.assertEqual(len(provinces), 63)
        communes = sum(len(d["wards"]) for p in provinces for d in p["districts"])
        self.assertGreater(communes, 10000)

    def test_a_district_of_todays_list_is_a_clear_error(self) -> None:
        with self.assertRaisesMessage(CommandError, "không còn cấp huyện"):
            self.load_json("92", "--district", "945")
        self.assertFalse(AdministrativeUnit.objects.exists())

    def test_a_province_of_2020_is_not_in_todays_list(self) -> None:
        with self.assertRaisesMessage(CommandError, "94"):
            self.load_json("94")
        self.assertFalse(AdministrativeUnit.objects.exists())
