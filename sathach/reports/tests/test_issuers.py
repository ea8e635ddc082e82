"""The documents fit their issuer and their date: a province campaign of 2026 speaks as the
province's Sở Nội vụ and its Chairman under the law of 2025, a district campaign of 2020 as
its district under the law of 2020 (issue 16, point 3). Read back out of the .docx
(python-docx) and the .pdf (pdftotext)."""

from __future__ import annotations

import datetime
import tempfile
import unittest
from pathlib import Path
from typing import Any

import time_machine
from django.core.exceptions import ValidationError

from sathach.campaigns.models import AwardAuthority, Campaign
from sathach.campaigns.services import awards_grant, ranking_approve
from sathach.core.errors import DomainError
from sathach.organization.models import Position
from sathach.organization.testing import BaseTestCase, make_person
from sathach.reports.awards import award_certificates_write, giay_khen_for
from sathach.reports.giay_khen import render_giay_khen
from sathach.reports.selectors import district_scope
from sathach.reports.services import report_export
from sathach.reports.tests.certificates import PIN, TemporaryMedia
from sathach.reports.tests.factories import (
    DISTRICT_CHAIRMAN,
    approve,
    campaign_with_results,
    grant,
)
from sathach.reports.tests.helpers import PDFTOTEXT, open_docx, pdf_text, texts
from sathach.signatures.services import (
    certificate_chain,
    certificate_issue,
    pki_init,
    token_set_pin,
)
from sathach.signatures.trust import installed_trust_roots
from sathach.signatures.validation import validate_pdf

DECIDED = datetime.date(2026, 5, 20)
DIRECTOR = "Trương Minh Khôi"
LAW_2015 = "Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015"
LAW_2025 = "Luật Tổ chức chính quyền địa phương số 72/2025/QH15 ngày 16 tháng 6 năm 2025"
EMULATION_2022 = "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;"
DECREE_152 = "Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ"


def province_campaign(world: Any, authority: str) -> Campaign:
    """The test campaign, issued by the province on 02/03/2026, approved and awarded."""
    with time_machine.travel(datetime.datetime(2026, 5, 15, 9, tzinfo=datetime.UTC), tick=False):
        campaign = campaign_with_results(world)
        Campaign.objects.filter(pk=campaign.pk).update(
            issuing_unit=world.province,
            code="30/KH-UBND",
            issued_on=datetime.date(2026, 3, 2),
            award_authority=authority,
        )
        campaign.refresh_from_db()
        ranking_approve(actor=world.council, campaign=campaign)
    campaign.refresh_from_db()
    return campaign


def decide(world: Any, campaign: Campaign, number: str, title: str) -> None:
    awards_grant(
        actor=world.province_admin,
        campaign=campaign,
        number=number,
        signed_on=DECIDED,
        signer_name="Lâm Văn Mẫn",
        signer_title=title,
    )
    campaign.refresh_from_db()


class IssuerTestCase(BaseTestCase):
    def export(self, campaign: Campaign, identifier: str, fmt: str) -> bytes:
        with time_machine.travel(datetime.datetime(2026, 5, 25, 9, tzinfo=datetime.UTC)):
            return report_export(
                actor="test", scope=district_scope(campaign), identifier=identifier, fmt=fmt
            ).content

    def docx_text(self, campaign: Campaign, identifier: str) -> str:
        return "\n".join(texts(open_docx(self.export(campaign, identifier, "docx"))))


class ProvinceChairmanTestCase(IssuerTestCase):
    def setUp(self) -> None:
        self.w: Any = self.world
        self.campaign = province_campaign(self.world, AwardAuthority.PROVINCE_CHAIRMAN)
        # The Director of the Sở Nội vụ, recorded under the province, signs its report.
        make_person(DIRECTOR, self.w.province, Position.HOME_AFFAIRS_DIRECTOR)

    def test_the_report_is_the_departments_of_home_affairs_to_the_province(self) -> None:
        text = self.docx_text(self.campaign, "report")
        lines = text.split("\n")
        heading = lines.index("UBND TỈNH SÓC TRĂNG")
        self.assertEqual(lines[heading + 1], "SỞ NỘI VỤ")
        self.assertIn("Số: \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/BC-SNV", lines)
        self.assertIn("Sóc Trăng, ngày 25 tháng 5 năm 2026", text)
        self.assertIn("của lãnh đạo UBND các xã, phường", text)
        self.assertIn(
            "Thực hiện Kế hoạch số 30/KH-UBND ngày 02/03/2026 của Ủy ban nhân dân tỉnh Sóc "
            "Trăng về",
            text,
        )
        self.assertIn("Sở Nội vụ báo cáo kết quả", text)
        self.assertIn(
            "Căn cứ kết quả trên và Luật Thi đua, khen thưởng năm 2022 và Nghị định số "
            "152/2025/NĐ-CP, đề nghị Chủ tịch Ủy ban nhân dân tỉnh Sóc Trăng tặng Bằng khen "
            "cho 2 tập thể",
            text,
        )
        for line in (
            "- UBND tỉnh Sóc Trăng (b/c);",
            "- Hội đồng Thi đua - Khen thưởng tỉnh;",
            "- Văn phòng UBND tỉnh;",
            "- UBND các xã, phường;",
            "- Lưu: VT, TĐKT.",
            "GIÁM ĐỐC",
            DIRECTOR,
        ):
            self.assertIn(line, lines)
        for absent in ("huyện", "Huyện", "thị trấn,", "TM. ỦY BAN NHÂN DÂN", "Giấy khen"):
            self.assertNotIn(absent, text.replace("Thị trấn Cù Lao Dung", ""))

    def test_the_draft_decision_is_the_chairmans_bang_khen_under_the_law_of_2025(self) -> None:
        with time_machine.travel(datetime.datetime(2026, 5, 25, 9, tzinfo=datetime.UTC)):
            text = self.docx_text(self.campaign, "decision")
        lines = text.split("\n")
        heading = lines.index("ỦY BAN NHÂN DÂN")
        self.assertEqual(lines[heading + 1], "TỈNH SÓC TRĂNG")
        self.assertIn("/QĐ-UBND", text)
        self.assertIn("Về việc tặng Bằng khen cho các tập thể", text)
        self.assertIn("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH SÓC TRĂNG", lines)
        self.assertIn(f"Căn cứ {LAW_2025};", lines)
        self.assertIn(EMULATION_2022, lines)
        self.assertTrue(any(line.startswith(DECREE_152) for line in lines))
        for old in ("98/2023", "91/2017", "2003", LAW_2015):
            self.assertNotIn(old, text)
        self.assertIn(
            "Căn cứ kết quả xếp hạng đã được Hội đồng Thi đua - Khen thưởng tỉnh phê duyệt "
            "ngày 15/05/2026;",
            lines,
        )
        self.assertIn("Theo đề nghị của Giám đốc Sở Nội vụ.", lines)
        self.assertIn(
            "Điều 1. Tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh Sóc Trăng cho 2 tập thể",
            text,
        )
        self.assertIn("Quỹ Thi đua, khen thưởng của tỉnh Sóc Trăng", text)
        self.assertIn("Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Nội vụ", text)
        for line in ("- TT. Tỉnh ủy, TT. HĐND tỉnh;", "- CT, các PCT UBND tỉnh;", "CHỦ TỊCH"):
            self.assertIn(line, lines)
        self.assertNotIn("huyện", text)

    @unittest.skipUnless(PDFTOTEXT, "pdftotext is not installed")
    def test_the_pdfs_say_what_the_word_files_say(self) -> None:
        decide(self.world, self.campaign, "15/QĐ-UBND", "Phó Chủ tịch")
        report = pdf_text(self.export(self.campaign, "report", "pdf"))
        for words in (
            "UBND TỈNH SÓC TRĂNG SỞ NỘI VỤ",
            "/BC-SNV",
            "Chủ tịch Ủy ban nhân dân tỉnh Sóc Trăng đã tặng Bằng khen cho 2 tập thể tại "
            "Quyết định số 15/QĐ-UBND ngày 20/05/2026",
            "- Hội đồng Thi đua - Khen thưởng tỉnh;",
            "GIÁM ĐỐC",
            DIRECTOR,
        ):
            self.assertIn(words, report)
        # The report's signer is its own body's head, not the decision's Vice-Chairman.
        self.assertNotIn("Lâm Văn Mẫn", report)
        decision = pdf_text(self.export(self.campaign, "decision", "pdf"))
        for words in (
            "ỦY BAN NHÂN DÂN TỈNH SÓC TRĂNG",
            "Số: 15/QĐ-UBND",
            "Sóc Trăng, ngày 20 tháng 5 năm 2026",
            "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH SÓC TRĂNG",
            "Luật Tổ chức chính quyền địa phương số 72/2025/QH15",
            "Nghị định số 152/2025/NĐ-CP",
            "Tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh Sóc Trăng",
            "KT. CHỦ TỊCH PHÓ CHỦ TỊCH",
            "Lâm Văn Mẫn",
        ):
            self.assertIn(words, decision)
        self.assertNotIn("98/2023", decision)


class SignerOnRecordTestCase(IssuerTestCase):
    def test_a_report_without_its_signer_on_record_is_refused_with_where_to_add_them(
        self,
    ) -> None:
        campaign = province_campaign(self.world, AwardAuthority.PROVINCE_CHAIRMAN)
        with self.assertRaisesMessage(DomainError, "Giám đốc Sở Nội vụ"):
            self.export(campaign, "report", "docx")
        make_person(DIRECTOR, self.world.province, Position.HOME_AFFAIRS_DIRECTOR)
        self.assertIn(DIRECTOR, self.docx_text(campaign, "report").split("\n"))


class HomeAffairsDirectorTestCase(IssuerTestCase):
    def setUp(self) -> None:
        self.w: Any = self.world
        self.campaign = province_campaign(self.world, AwardAuthority.HOME_AFFAIRS_DIRECTOR)
        decide(self.world, self.campaign, "42/QĐ-SNV", "Giám đốc")

    def test_the_decision_is_the_directors_giay_khen_under_the_department(self) -> None:
        text = self.docx_text(self.campaign, "decision")
        lines = text.split("\n")
        heading = lines.index("UBND TỈNH SÓC TRĂNG")
        self.assertEqual(lines[heading + 1], "SỞ NỘI VỤ")
        self.assertIn("Số: 42/QĐ-SNV", lines)
        self.assertIn("GIÁM ĐỐC SỞ NỘI VỤ TỈNH SÓC TRĂNG", lines)
        self.assertIn("Điều 1. Tặng Giấy khen của Giám đốc Sở Nội vụ cho 2 tập thể", text)
        self.assertIn(EMULATION_2022, lines)
        self.assertTrue(any(line.startswith(DECREE_152) for line in lines))
        # A department's decision does not rest on the law on local government.
        self.assertNotIn("Luật Tổ chức chính quyền địa phương", text)
        self.assertIn("Theo đề nghị của Trưởng Ban Thi đua - Khen thưởng.", lines)
        for line in ("- UBND tỉnh Sóc Trăng (b/c);", "- Giám đốc, các Phó Giám đốc Sở;"):
            self.assertIn(line, lines)
        self.assertIn("GIÁM ĐỐC", lines)
        self.assertIn("Lâm Văn Mẫn", lines)
        self.assertNotIn("Bằng khen", text)

    def test_the_report_names_the_director_who_signed_the_decision(self) -> None:
        text = self.docx_text(self.campaign, "report")
        self.assertIn("Giám đốc Sở Nội vụ đã tặng Giấy khen cho 2 tập thể", text)
        self.assertIn("Lâm Văn Mẫn", text.split("\n"))

    @unittest.skipUnless(PDFTOTEXT, "pdftotext is not installed")
    def test_its_certificate_says_giay_khen_of_the_director(self) -> None:
        award = self.campaign.decisions.get().awards.all()[0]
        director = make_person("Lâm Văn Mẫn", self.w.province, Position.OTHER)
        text = pdf_text(render_giay_khen(giay_khen_for(award, director)).pdf)
        for words in ("GIÁM ĐỐC SỞ NỘI VỤ TỈNH SÓC TRĂNG", "TẶNG GIẤY KHEN", "Sóc Trăng, ngày"):
            self.assertIn(words, text)
        self.assertNotIn("BẰNG KHEN", text)

    def test_without_a_director_on_record_it_says_whom_to_add(self) -> None:
        with self.assertRaisesMessage(DomainError, "Giám đốc Sở Nội vụ"):
            award_certificates_write(
                actor=self.w.province_admin,
                campaign=self.campaign,
                pin=PIN,
                out_dir=Path(tempfile.mkdtemp()),
            )


@unittest.skipUnless(PDFTOTEXT, "pdftotext is not installed")
class DirectorSignsTestCase(TemporaryMedia, IssuerTestCase):
    """The Director of Sở Nội vụ, on record at the province with a signing certificate,
    signs the department's Giấy khen; the Chairman does not."""

    def setUp(self) -> None:
        self.media_start()
        self.addCleanup(self.media_stop)
        self.w: Any = self.world
        self.campaign = province_campaign(self.world, AwardAuthority.HOME_AFFAIRS_DIRECTOR)
        decide(self.world, self.campaign, "42/QĐ-SNV", "Giám đốc")
        pki_init(actor=None, organization="UBND tỉnh Sóc Trăng")
        chairman = make_person("Trần Văn Chủ", self.w.province, Position.CHAIRMAN)
        token_set_pin(actor=None, token=certificate_issue(actor=None, person=chairman), new_pin=PIN)
        self.director = make_person("Lâm Văn Mẫn", self.w.province, Position.HOME_AFFAIRS_DIRECTOR)

    def test_the_director_signs_the_giay_khen_of_the_department(self) -> None:
        token = certificate_issue(actor=None, person=self.director)
        token_set_pin(actor=None, token=token, new_pin=PIN)
        out = Path(tempfile.mkdtemp(prefix="giay-khen-snv-"))
        written = award_certificates_write(
            actor=self.w.province_admin, campaign=self.campaign, pin=PIN, out_dir=out
        )
        self.assertTrue(written[0].name.startswith("giay-khen-01-"))
        text = pdf_text(written[0].read_bytes())
        for words in ("GIÁM ĐỐC SỞ NỘI VỤ TỈNH SÓC TRĂNG", "TẶNG GIẤY KHEN", "Lâm Văn Mẫn"):
            self.assertIn(words, text)
        self.assertNotIn("Trần Văn Chủ", text)
        verdict = validate_pdf(
            written[0].read_bytes(),
            trust_roots=installed_trust_roots(),
            other_certs=certificate_chain(),
            signer=bytes(token.certificate),
            require_visible=True,
        )
        self.assertTrue(verdict.valid, verdict.reasons)

    def test_a_director_without_a_certificate_is_named_and_nothing_is_signed(self) -> None:
        with self.assertRaisesMessage(DomainError, "Lâm Văn Mẫn"):
            award_certificates_write(
                actor=self.w.province_admin,
                campaign=self.campaign,
                pin=PIN,
                out_dir=Path(tempfile.mkdtemp()),
            )


@unittest.skipUnless(PDFTOTEXT, "pdftotext is not installed")
class BangKhenTestCase(TemporaryMedia, IssuerTestCase):
    def setUp(self) -> None:
        self.media_start()
        self.addCleanup(self.media_stop)
        self.w: Any = self.world
        self.campaign = province_campaign(self.world, AwardAuthority.PROVINCE_CHAIRMAN)
        decide(self.world, self.campaign, "15/QĐ-UBND", "Chủ tịch")
        pki_init(actor=None, organization="UBND tỉnh Sóc Trăng")
        chairman = make_person("Lâm Văn Mẫn", self.w.province, Position.CHAIRMAN)
        token = certificate_issue(actor=None, person=chairman)
        token_set_pin(actor=None, token=token, new_pin=PIN)

    def test_the_province_chairman_signs_a_bang_khen_of_its_own_layout(self) -> None:
        out = Path(tempfile.mkdtemp(prefix="bang-khen-"))
        written = award_certificates_write(
            actor=self.w.province_admin, campaign=self.campaign, pin=PIN, out_dir=out
        )
        self.assertTrue(written[0].name.startswith("bang-khen-01-"))
        text = pdf_text(written[0].read_bytes())
        for words in (
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH SÓC TRĂNG",
            "TẶNG BẰNG KHEN",
            "Kế hoạch số 30/KH-UBND ngày 02/03/2026 của Ủy ban nhân dân tỉnh Sóc Trăng",
            "Quyết định số 15/QĐ-UBND ngày 20/05/2026",
            "Sóc Trăng, ngày 20 tháng 5 năm 2026",
            "CHỦ TỊCH",
            "Lâm Văn Mẫn",
        ):
            self.assertIn(words, text)
        self.assertNotIn("GIẤY KHEN", text)
        self.assertNotIn("HUYỆN", text)


class DistrictOf2020TestCase(IssuerTestCase):
    """The district campaign of 2020 reads as it always has."""

    def setUp(self) -> None:
        self.w: Any = self.world
        self.campaign = approve(self.world, campaign_with_results(self.world))
        grant(self.world, self.campaign)

    def test_its_decision_is_the_district_chairmans_giay_khen_under_the_law_of_2020(self) -> None:
        text = self.docx_text(self.campaign, "decision")
        lines = text.split("\n")
        heading = lines.index("ỦY BAN NHÂN DÂN")
        self.assertEqual(lines[heading + 1], "HUYỆN CÙ LAO DUNG")
        self.assertIn("Số: 123/QĐ-UBND", lines)
        self.assertIn("CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN CÙ LAO DUNG", lines)
        self.assertIn(f"Căn cứ {LAW_2015};", lines)
        self.assertIn(
            "Căn cứ Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003; Luật sửa đổi, bổ sung "
            "một số điều của Luật Thi đua, khen thưởng ngày 16 tháng 11 năm 2013;",
            lines,
        )
        self.assertTrue(any("Nghị định số 91/2017/NĐ-CP" in line for line in lines))
        self.assertIn("Theo đề nghị của Trưởng phòng Nội vụ huyện.", lines)
        self.assertIn("Tặng Giấy khen của Chủ tịch Ủy ban nhân dân huyện Cù Lao Dung", text)
        for line in (
            "- Như Điều 3;",
            "- UBND tỉnh Sóc Trăng (b/c);",
            "- TT. Huyện ủy, TT. HĐND huyện;",
            "- Lưu: VT, NV.",
            "CHỦ TỊCH",
        ):
            self.assertIn(line, lines)
        for new in ("152/2025", "72/2025", "Bằng khen", "Sở Nội vụ"):
            self.assertNotIn(new, text)

    @unittest.skipUnless(PDFTOTEXT, "pdftotext is not installed")
    def test_its_report_is_the_district_committees(self) -> None:
        text = pdf_text(self.export(self.campaign, "report", "pdf"))
        for words in (
            "ỦY BAN NHÂN DÂN HUYỆN CÙ LAO DUNG",
            "/BC-UBND",
            "của lãnh đạo UBND các xã, thị trấn",
            "Ủy ban nhân dân huyện Cù Lao Dung báo cáo kết quả",
            "Chủ tịch Ủy ban nhân dân huyện Cù Lao Dung đã tặng Giấy khen cho 2 tập thể",
            "- Hội đồng Thi đua - Khen thưởng huyện;",
            "- UBND các xã, thị trấn;",
            "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH",
            # The district's Chairman on record, not the decision's signer of the test.
            DISTRICT_CHAIRMAN,
        ):
            self.assertIn(words, text)
        for new in ("152/2025", "Bằng khen", "Sở Nội vụ", "BC-SNV"):
            self.assertNotIn(new, text)


class AwardChoiceTestCase(BaseTestCase):
    def test_an_issuer_may_choose_only_what_the_law_lets_its_level_award(self) -> None:
        campaign = campaign_with_results(self.world)
        self.assertEqual(campaign.award_authority, AwardAuthority.DISTRICT_CHAIRMAN)
        campaign.award_authority = AwardAuthority.PROVINCE_CHAIRMAN
        with self.assertRaises(ValidationError) as caught:
            campaign.full_clean()
        self.assertIn("Giấy khen của Chủ tịch UBND huyện", str(caught.exception.message_dict))
        campaign.issuing_unit = self.world.province
        for allowed in (AwardAuthority.PROVINCE_CHAIRMAN, AwardAuthority.HOME_AFFAIRS_DIRECTOR):
            campaign.award_authority = allowed
            campaign.full_clean()
        campaign.award_authority = AwardAuthority.DISTRICT_CHAIRMAN
        with self.assertRaises(ValidationError):
            campaign.full_clean()

    def test_the_campaign_form_offers_only_the_awards_of_the_issuers_level(self) -> None:
        from sathach.campaigns.forms import CampaignForm

        campaign = campaign_with_results(self.world)
        Campaign.objects.filter(pk=campaign.pk).update(issuing_unit=self.world.province)
        campaign.refresh_from_db()
        form = CampaignForm(instance=campaign, user=self.world.province_admin)
        field: Any = form.fields["award_authority"]
        choices = [value for value, _label in field.choices]
        self.assertEqual(choices, ["province_chairman", "home_affairs_director"])
        self.assertIn("Bằng khen của Chủ tịch UBND tỉnh", str(form["award_authority"]))


class LegalBasesTestCase(BaseTestCase):
    def test_a_province_cites_the_laws_in_force_on_the_documents_date(self) -> None:
        from sathach.reports import issuer

        campaign = campaign_with_results(self.world)
        campaign.issuing_unit = self.world.province
        cases = [
            (datetime.date(2020, 6, 30), "ngày 19 tháng 6 năm 2015;", "91/2017"),
            (datetime.date(2021, 3, 1), "ngày 22 tháng 11 năm 2019;", "91/2017"),
            (datetime.date(2024, 6, 1), "ngày 22 tháng 11 năm 2019;", "98/2023"),
            (datetime.date(2025, 4, 1), "số 65/2025/QH15", "98/2023"),
            (datetime.date(2025, 7, 1), "số 72/2025/QH15", "152/2025"),
        ]
        for day, local, decree in cases:
            with self.subTest(day=day):
                self.assertIn(local, issuer.local_government_law(campaign, day))
                self.assertIn(decree, issuer.emulation_laws(day)[-1])

    def test_a_district_keeps_the_law_of_its_plan_and_never_passes_its_last_day(self) -> None:
        from sathach.reports import issuer

        campaign = campaign_with_results(self.world)
        day = issuer.legal_day(campaign, datetime.date(2026, 12, 7))
        self.assertEqual(day, datetime.date(2025, 6, 30))
        self.assertIn("ngày 19 tháng 6 năm 2015;", issuer.local_government_law(campaign, day))
        self.assertIn("98/2023", issuer.emulation_laws(day)[-1])
