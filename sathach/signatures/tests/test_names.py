"""Certificate names as people read them (issue 17, point 3): before, pages showed the
stored RFC 4514 string, "CN=…,2.5.4.12=…"."""

from __future__ import annotations

from django.test import SimpleTestCase
from django.utils import translation

from sathach.signatures.names import name_text
from sathach.signatures.templatetags.certificate_names import certificate_name


class CertificateNameTests(SimpleTestCase):
    def setUp(self) -> None:
        translation.activate("vi")
        self.addCleanup(translation.deactivate)

    def test_a_leader_s_name_reads_name_position_and_unit(self) -> None:
        self.assertEqual(
            name_text("CN=Trần Thị Ngân,2.5.4.12=Chủ tịch,O=UBND xã Đại Ân 1,C=VN"),
            "Họ tên: Trần Thị Ngân; Chức vụ: Chủ tịch; Đơn vị: UBND xã Đại Ân 1; Quốc gia: VN",
        )

    def test_a_text_that_is_no_name_is_left_as_it_is(self) -> None:
        self.assertEqual(certificate_name("CA Viettel"), "CA Viettel")
        self.assertEqual(certificate_name(""), "")
