from __future__ import annotations

from django.urls import reverse

from sathach.core.models import AuditEntry
from sathach.organization.testing import PASSWORD, BaseTestCase


class LoginTestCase(BaseTestCase):
    def sign_in(self, username: str, password: str):  # type: ignore[no-untyped-def]
        return self.client.post(reverse("login"), {"username": username, "password": password})

    def test_it_signs_in_with_the_password_and_records_it(self) -> None:
        response = self.sign_in("noivu.admin", PASSWORD)
        self.assertRedirects(response, reverse("home"))
        self.assertEqual(AuditEntry.objects.first().action, "auth.login")

    def test_a_wrong_password_is_refused_and_recorded(self) -> None:
        response = self.sign_in("noivu.admin", "wrong-password")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertEqual(AuditEntry.objects.first().action, "auth.login_failed")

    def test_it_locks_the_account_after_five_failures_even_with_the_right_password(self) -> None:
        for _ in range(5):
            self.sign_in("noivu.admin", "wrong-password")
        response = self.sign_in("noivu.admin", PASSWORD)
        self.assertEqual(response.status_code, 429)
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertTemplateUsed(response, "registration/locked_out.html")

    def test_another_account_on_the_same_computer_is_not_locked(self) -> None:
        for _ in range(5):
            self.sign_in("noivu.admin", "wrong-password")
        response = self.sign_in("giamthi", PASSWORD)
        self.assertRedirects(response, reverse("home"))

    def test_a_one_time_password_must_be_replaced_before_anything_else(self) -> None:
        leader = self.world.leader
        leader.must_change_password = True
        leader.save()
        self.sign_in(leader.username, PASSWORD)
        self.assertRedirects(self.client.get(reverse("home")), reverse("password_change"))
        response = self.client.post(
            reverse("password_change"),
            {
                "old_password": PASSWORD,
                "new_password1": "Dai-An-1-Moi-2020",
                "new_password2": "Dai-An-1-Moi-2020",
            },
        )
        self.assertRedirects(response, reverse("home"))
        leader.refresh_from_db()
        self.assertFalse(leader.must_change_password)
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)
        self.assertEqual(AuditEntry.objects.first().action, "auth.password_changed")

    def test_a_weak_new_password_is_refused(self) -> None:
        self.login(self.world.leader)
        response = self.client.post(
            reverse("password_change"),
            {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
        )
        self.assertEqual(response.status_code, 200)
        self.world.leader.refresh_from_db()
        self.assertTrue(self.world.leader.check_password(PASSWORD))

    def test_logout_needs_a_post(self) -> None:
        self.login(self.world.leader)
        self.assertEqual(self.client.get(reverse("logout")).status_code, 405)
        self.assertRedirects(self.client.post(reverse("logout")), reverse("login"))


class CookieTestCase(BaseTestCase):
    def test_session_and_csrf_cookies_are_httponly_and_samesite(self) -> None:
        response = self.client.post(
            reverse("login"), {"username": "noivu.admin", "password": PASSWORD}
        )
        cookie = response.cookies["sessionid"]
        self.assertTrue(cookie["httponly"])
        self.assertEqual(cookie["samesite"], "Lax")

    def test_forms_are_protected_against_cross_site_requests(self) -> None:
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        response = client.post(reverse("login"), {"username": "noivu.admin", "password": PASSWORD})
        self.assertEqual(response.status_code, 403)
