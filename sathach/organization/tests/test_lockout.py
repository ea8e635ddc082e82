"""Sign-in lockout behind the reverse proxy: counted per account and the client's address
from a trusted proxy, so that nobody can lock an examinee's account from elsewhere; wrong
old passwords on the password-change page count too."""

from __future__ import annotations

from typing import Any

from django.test import RequestFactory, SimpleTestCase, override_settings
from django.urls import reverse

from sathach.core.client_ip import client_ip
from sathach.organization.testing import PASSWORD, BaseTestCase

PROXY = ["127.0.0.1"]


class ClientAddressTests(SimpleTestCase):
    def address(self, peer: str, forwarded: str = "") -> str | None:
        request = RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)
        return client_ip(request)

    @override_settings(TRUSTED_PROXIES=PROXY)
    def test_the_client_behind_the_trusted_proxy_is_the_rightmost_untrusted_hop(self) -> None:
        self.assertEqual(self.address("127.0.0.1", "203.0.113.5"), "203.0.113.5")
        # A header the client sent itself is on the left: it cannot pick its address.
        self.assertEqual(self.address("127.0.0.1", "198.51.100.7, 203.0.113.5"), "203.0.113.5")
        self.assertEqual(self.address("127.0.0.1", "not an address"), "127.0.0.1")
        self.assertEqual(self.address("127.0.0.1"), "127.0.0.1")

    @override_settings(TRUSTED_PROXIES=PROXY)
    def test_the_header_from_any_other_peer_is_ignored(self) -> None:
        self.assertEqual(self.address("203.0.113.9", "198.51.100.7"), "203.0.113.9")

    @override_settings(TRUSTED_PROXIES=[])
    def test_without_a_trusted_proxy_the_header_is_ignored(self) -> None:
        self.assertEqual(self.address("127.0.0.1", "198.51.100.7"), "127.0.0.1")


@override_settings(TRUSTED_PROXIES=PROXY)
class BehindTheProxyTests(BaseTestCase):
    def sign_in(self, username: str, password: str, client: str) -> Any:
        return self.client.post(
            reverse("login"),
            {"username": username, "password": password},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=client,
        )

    def test_an_outsider_cannot_lock_an_examinee_out_of_the_exam_room(self) -> None:
        username = self.world.leader.username
        for _ in range(5):
            self.sign_in(username, "wrong-password", "198.51.100.7")
        self.assertEqual(self.sign_in(username, PASSWORD, "198.51.100.7").status_code, 429)
        response = self.sign_in(username, PASSWORD, "203.0.113.5")
        self.assertRedirects(response, reverse("home"))

    def test_wrong_old_passwords_on_the_password_page_count(self) -> None:
        self.client.force_login(self.world.district_admin)
        url = reverse("password_change")
        new = "Another-Horse-2026"
        for _ in range(4):
            self.client.post(
                url,
                {"old_password": "guess", "new_password1": new, "new_password2": new},
                REMOTE_ADDR="127.0.0.1",
                HTTP_X_FORWARDED_FOR="198.51.100.7",
            )
        self.client.post(
            url,
            {"old_password": "guess", "new_password1": new, "new_password2": new},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.7",
        )
        self.client.force_login(self.world.district_admin)
        response = self.client.post(
            url,
            {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.7",
            follow=True,
        )
        self.assertContains(response, "Sai mật khẩu quá nhiều lần")
        self.world.district_admin.refresh_from_db()
        self.assertTrue(self.world.district_admin.check_password(PASSWORD))
