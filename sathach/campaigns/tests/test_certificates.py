from __future__ import annotations

import base64

from django.test import SimpleTestCase

from sathach.campaigns.certificates import read_certificate
from sathach.campaigns.tests.factories import make_certificate
from sathach.core.errors import DomainError


class ReadCertificateTestCase(SimpleTestCase):
    def test_it_reads_der_pem_and_bare_base64(self) -> None:
        pem = make_certificate("Lê Văn Tám")
        info = read_certificate(pem)
        self.assertEqual(info.common_name, "Lê Văn Tám")
        self.assertEqual(read_certificate(info.der).fingerprint, info.fingerprint)
        bare = base64.encodebytes(info.der) + b"\r\n"
        self.assertEqual(read_certificate(bare).fingerprint, info.fingerprint)

    def test_a_der_file_that_ends_in_a_whitespace_byte_is_read_whole(self) -> None:
        # About one DER certificate in forty ends in a byte such as 0x20 or 0x0a; stripping
        # it, as one strips text, broke the signature.
        for _attempt in range(2000):
            der = make_certificate(der=True)
            if der[-1:].isspace():
                break
        else:
            self.fail("no certificate ended in a whitespace byte")
        self.assertEqual(read_certificate(der).der, der)

    def test_a_file_that_is_not_a_certificate_is_refused(self) -> None:
        for data in (b"hello", b"\x30\x03abc", b"", b"-----BEGIN CERTIFICATE-----\nxx"):
            with self.assertRaises(DomainError):
                read_certificate(data)
