from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from sathach.campaigns.models import Campaign, Result, SigningDevice
from sathach.campaigns.readiness import facility_item_save
from sathach.campaigns.results_import import HEADERS
from sathach.campaigns.tests.factories import make_campaign, make_certificate
from sathach.core.models import AuditEntry
from sathach.organization.models import Position
from sathach.organization.testing import BaseTestCase, make_person


def workbook_bytes(rows: Sequence[Sequence[object]], sheet: str = "leaders") -> bytes:
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    for row in rows:
        worksheet.append(list(row))
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


HEADER = [
    "unit_code",
    "unit_name",
    "facility_score",
    "leader_id",
    "name",
    "position",
    "content1",
    "content2",
]


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


class ReadinessViewTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.campaign = make_campaign(self.world, status=Campaign.Status.PREPARING)

    def test_a_commune_officer_sees_only_their_communes_readiness(self) -> None:
        self.login(self.world.commune_officer)
        response = self.client.get(reverse("readiness", args=[self.campaign.pk]))
        self.assertContains(response, "Xã An Thạnh 1")
        self.assertNotContains(response, "Xã Đại Ân 1")
        self.assertNotContains(response, "Trần Thị Ngân")

    def test_the_district_sees_every_commune_with_what_it_lacks(self) -> None:
        self.login(self.world.district_admin)
        response = self.client.get(reverse("readiness", args=[self.campaign.pk]))
        self.assertContains(response, "Xã An Thạnh 1")
        self.assertContains(response, "Xã Đại Ân 1")
        self.assertContains(response, "Trần Thị Ngân: chưa có thiết bị ký số")

    def test_a_commune_officer_registers_a_device_from_a_certificate_file(self) -> None:
        self.login(self.world.commune_officer)
        chairman = self.world.an_thanh_1_chairman
        response = self.client.post(
            reverse("device-add", args=[self.campaign.pk, chairman.pk]),
            {
                "kind": "usb_token",
                "certificate": SimpleUploadedFile(
                    "binh.cer", make_certificate("Nguyễn Văn Bình", der=True)
                ),
            },
        )
        self.assertRedirects(
            response, reverse("unit-readiness", args=[self.campaign.pk, self.world.an_thanh_1.pk])
        )
        self.assertEqual(SigningDevice.objects.get(person=chairman).kind, "usb_token")

    def test_a_bad_certificate_file_is_refused_with_a_message(self) -> None:
        self.login(self.world.commune_officer)
        chairman = self.world.an_thanh_1_chairman
        response = self.client.post(
            reverse("device-add", args=[self.campaign.pk, chairman.pk]),
            {"kind": "usb_token", "certificate": SimpleUploadedFile("x.cer", b"hello")},
            follow=True,
        )
        self.assertContains(response, "không phải chứng thư số")
        self.assertFalse(SigningDevice.objects.exists())

    def test_a_commune_officer_cannot_register_a_device_for_another_commune(self) -> None:
        self.login(self.world.commune_officer)
        response = self.client.post(
            reverse("device-add", args=[self.campaign.pk, self.world.leader_person.pk]),
            {"kind": "usb_token", "certificate": SimpleUploadedFile("n.cer", make_certificate())},
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(SigningDevice.objects.exists())

    def test_the_district_verifies_a_declaration(self) -> None:
        item = facility_item_save(
            actor=self.world.district_admin,
            campaign=self.campaign,
            title="Máy in",
            weight=Decimal(2),
        )
        self.login(self.world.commune_officer)
        self.client.post(
            reverse("facility-declare", args=[self.campaign.pk, self.world.an_thanh_1.pk, item.pk]),
            {"note": "Có máy in", "evidence": SimpleUploadedFile("may-in.jpg", JPEG)},
        )
        declaration = item.declarations.get()
        self.login(self.world.district_admin)
        self.client.post(
            reverse("facility-review", args=[self.campaign.pk, declaration.pk]), {"accept": "1"}
        )
        declaration.refresh_from_db()
        self.assertEqual(declaration.status, "verified")
        response = self.client.get(reverse("readiness", args=[self.campaign.pk]))
        self.assertContains(response, "2/2")

    def test_evidence_is_read_as_what_it_is_not_as_its_name_says(self) -> None:
        item = facility_item_save(
            actor=self.world.district_admin,
            campaign=self.campaign,
            title="Máy in",
            weight=Decimal(1),
        )
        self.login(self.world.commune_officer)
        url = reverse(
            "facility-declare", args=[self.campaign.pk, self.world.an_thanh_1.pk, item.pk]
        )
        for name, content in (("may-in.jpg", b"Ma so,Ho ten\n1,An\n"), ("may-in.pdf", b"MZ\x90")):
            with self.subTest(name=name):
                response = self.client.post(
                    url, {"note": "Có", "evidence": SimpleUploadedFile(name, content)}, follow=True
                )
                self.assertContains(response, "không phải ảnh (JPG, PNG, WebP) hoặc PDF")
                self.assertFalse(item.declarations.exists())
        for name, content in (("anh.png", PNG), ("bien-ban.pdf", b"%PDF-1.7\n")):
            with self.subTest(name=name):
                self.client.post(url, {"note": "Có", "evidence": SimpleUploadedFile(name, content)})
        self.assertTrue(item.declarations.exists())


class ResultViewTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.campaign = make_campaign(self.world, status=Campaign.Status.TESTING)

    def test_a_commune_officer_sees_only_their_communes_results(self) -> None:
        self.login(self.world.commune_officer)
        response = self.client.get(reverse("result-list", args=[self.campaign.pk]))
        self.assertContains(response, "Nguyễn Văn Bình")
        self.assertNotContains(response, "Trần Thị Ngân")
        self.assertNotContains(
            response,
            reverse("result-override", args=[self.campaign.pk, self.world.leader_person.pk]),
        )

    def test_the_results_template_lists_every_leader_in_vietnamese(self) -> None:
        self.login(self.world.district_admin)
        response = self.client.get(reverse("result-template", args=[self.campaign.pk]))
        book = load_workbook(BytesIO(response.content))
        self.assertEqual(book.sheetnames, ["Kết quả"])
        sheet = book["Kết quả"]
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(list(rows[0]), HEADERS)
        self.assertEqual({row[4] for row in rows[1:]}, {"Nguyễn Văn Bình", "Trần Thị Ngân"})
        self.assertEqual({row[5] for row in rows[1:]}, {"Chủ tịch"})
        (choices,) = sheet.data_validations.dataValidation
        self.assertEqual(choices.formula1, '"Đạt,Không đạt,Vắng"')

    def test_the_filled_in_vietnamese_template_imports(self) -> None:
        self.login(self.world.district_admin)
        template = self.client.get(reverse("result-template", args=[self.campaign.pk]))
        book = load_workbook(BytesIO(template.content))
        sheet = book["Kết quả"]
        for row, (first, second) in zip(
            sheet.iter_rows(min_row=2), (("Đạt", "Không đạt"), ("Vắng", "Đạt")), strict=True
        ):
            row[6].value, row[7].value = first, second
        buffer = BytesIO()
        book.save(buffer)
        response = self.client.post(
            reverse("result-import", args=[self.campaign.pk]),
            {"file": SimpleUploadedFile("ket-qua.xlsx", buffer.getvalue())},
        )
        self.assertRedirects(response, reverse("result-list", args=[self.campaign.pk]))
        self.assertEqual(
            sorted(Result.objects.values_list("outcome", flat=True)),
            ["absent", "failed", "passed", "passed"],
        )

    def test_a_vietnamese_file_with_a_wrong_outcome_names_its_vietnamese_column(self) -> None:
        content = workbook_bytes(
            [HEADERS, ["31627", "", None, self.world.leader_person.pk, "", "", "đạt", "passed"]],
            sheet="Kết quả",
        )
        content_bad = workbook_bytes(
            [HEADERS, ["31627", "", None, self.world.leader_person.pk, "", "", "tốt", "Đạt"]],
            sheet="Kết quả",
        )
        self.login(self.world.district_admin)
        url = reverse("result-import", args=[self.campaign.pk])
        response = self.client.post(url, {"file": SimpleUploadedFile("a.xlsx", content_bad)})
        self.assertContains(response, "<td>G (Nội dung 1)</td>", html=False)
        self.assertContains(response, "Cần ghi Đạt, Không đạt, Vắng (đang ghi tốt).")
        self.assertFalse(Result.objects.exists())
        response = self.client.post(url, {"file": SimpleUploadedFile("b.xlsx", content)})
        self.assertRedirects(response, reverse("result-list", args=[self.campaign.pk]))

    def test_an_import_with_mistakes_reports_every_cell_and_imports_nothing(self) -> None:
        vice = make_person("Đỗ Minh Quang", self.world.an_thanh_1, Position.VICE_CHAIRMAN)
        content = workbook_bytes(
            [
                HEADER,
                [
                    "31618",
                    "Xã An Thạnh 1",
                    None,
                    vice.pk,
                    "Đỗ Minh Quang",
                    "pho_chu_tich",
                    "passed",
                    "passed",
                ],
                [
                    "31618",
                    "Xã An Thạnh 1",
                    None,
                    self.world.an_thanh_1_chairman.pk,
                    "",
                    "chu_tich",
                    "pass",
                    "passed",
                ],
                ["31627", "Xã Đại Ân 1", None, 999999, "", "chu_tich", "passed", "failed"],
            ]
        )
        self.login(self.world.district_admin)
        audit_before = AuditEntry.objects.count()
        response = self.client.post(
            reverse("result-import", args=[self.campaign.pk]),
            {"file": SimpleUploadedFile("ket-qua.xlsx", content)},
        )
        # The sentence that says nothing was imported, then the table that locates each
        # mistake by its row and its column's letter and title.
        page = response.content.decode()
        self.assertLess(
            page.index("Không có dòng nào được nhập"), page.index('<table class="problems"')
        )
        self.assertIn('<td class="num">3</td><td>G (content1)</td>', page)
        self.assertIn('<td class="num">4</td><td>D (leader_id)</td>', page)
        self.assertFalse(Result.objects.exists())
        self.assertEqual(AuditEntry.objects.count(), audit_before)

    def test_a_correct_import_records_both_contents(self) -> None:
        content = workbook_bytes(
            [
                HEADER,
                ["31618", "", None, self.world.an_thanh_1_chairman.pk, "", "", "passed", "failed"],
                ["31627", "", None, self.world.leader_person.pk, "", "", "Đạt", "vắng"],
            ]
        )
        self.login(self.world.district_admin)
        response = self.client.post(
            reverse("result-import", args=[self.campaign.pk]),
            {"file": SimpleUploadedFile("ket-qua.xlsx", content)},
        )
        self.assertRedirects(response, reverse("result-list", args=[self.campaign.pk]))
        outcomes = dict(
            Result.objects.filter(person=self.world.leader_person).values_list("content", "outcome")
        )
        self.assertEqual(outcomes, {1: "passed", 2: "absent"})
        self.assertEqual(Result.objects.filter(source="import").count(), 4)

    def test_an_override_without_a_reason_is_refused(self) -> None:
        self.login(self.world.district_admin)
        url = reverse("result-override", args=[self.campaign.pk, self.world.leader_person.pk])
        response = self.client.post(url, {"content": 1, "outcome": "passed", "reason": "vì"})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Result.objects.exists())
        response = self.client.post(
            url, {"content": 1, "outcome": "passed", "reason": "Chấm lại theo đáp án đã sửa"}
        )
        self.assertRedirects(response, reverse("result-list", args=[self.campaign.pk]))
        self.assertEqual(Result.objects.get().reason, "Chấm lại theo đáp án đã sửa")


class RankingViewTestCase(BaseTestCase):
    def test_the_ranking_refreshes_itself_while_leaders_are_tested(self) -> None:
        from sathach.campaigns.services import result_record

        campaign = make_campaign(self.world, status=Campaign.Status.TESTING)
        self.login(self.world.district_admin)
        url = reverse("ranking", args=[campaign.pk])
        response = self.client.get(url)
        self.assertContains(response, f'data-live-url="{url}?part=table&amp;sort=rank&amp;page=1"')
        self.assertContains(response, "core/live.js")
        result_record(
            actor=self.world.district_admin,
            campaign=campaign,
            person=self.world.leader_person,
            content=1,
            outcome=Result.Outcome.PASSED,
            source=Result.Source.IMPORT,
        )
        part = self.client.get(url, {"part": "table"})
        self.assertNotContains(part, "<html")
        self.assertContains(part, 'data-key="31627"')
        self.assertContains(part, "Đạt")

    def test_a_ranking_being_prepared_does_not_refresh(self) -> None:
        campaign = make_campaign(self.world, status=Campaign.Status.PREPARING)
        self.login(self.world.district_admin)
        response = self.client.get(reverse("ranking", args=[campaign.pk]))
        self.assertNotContains(response, "data-live-url")

    def test_the_table_part_is_scoped_like_the_page(self) -> None:
        campaign = make_campaign(self.world, status=Campaign.Status.TESTING)
        url = reverse("ranking", args=[campaign.pk])
        for user, status in ((self.world.commune_officer, 403), (self.world.outsider, 404)):
            self.login(user)
            self.assertEqual(self.client.get(url, {"part": "table"}).status_code, status)
