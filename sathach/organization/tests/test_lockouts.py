"""The page of failed sign-ins and locked accounts: an administrator sees the accounts of
their own units only and lifts a lock with a reason, audited."""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from sathach.core.models import AuditEntry
from sathach.organization.testing import PASSWORD, BaseTestCase


class LockoutPageTests(BaseTestCase):
    def setUp(self) -> None:
        self.url = reverse("account-lockouts")
        self.unlock_url = reverse("account-unlock", args=[self.world.leader.pk])
        for _ in range(5):
            self.sign_in(self.world.leader.username, "wrong-password", "198.51.100.7")
        # A failure of the other district's administrator, which is none of ours.
        self.sign_in(self.world.outsider.username, "wrong-password", "203.0.113.9")

    def sign_in(self, username: str, password: str, address: str) -> Any:
        return Client().post(
            reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
        )

    def leader_locked(self) -> bool:
        return self.sign_in(self.world.leader.username, PASSWORD, "198.51.100.7").status_code == 429

    def test_the_district_admin_sees_the_lock_and_the_failures_of_their_accounts(self) -> None:
        self.assertTrue(self.leader_locked())
        self.login(self.world.district_admin)
        response = self.client.get(self.url)
        self.assertContains(response, "Tài khoản đang bị khóa")
        self.assertContains(response, reverse("account-unlock", args=[self.world.leader.pk]))
        self.assertContains(response, "198.51.100.7")
        self.assertContains(response, self.world.leader.full_name)
        self.assertNotContains(response, self.world.outsider.username)
        self.assertNotContains(response, "203.0.113.9")
        self.assertContains(self.client.get(reverse("home")), f'href="{self.url}"')

    def test_an_admin_of_another_district_sees_nothing_of_ours_and_cannot_unlock(self) -> None:
        self.login(self.world.outsider)
        response = self.client.get(self.url)
        self.assertNotContains(response, self.world.leader.username)
        self.assertNotContains(response, "198.51.100.7")
        self.assertContains(response, "203.0.113.9")  # their own account's failure
        answer = self.client.post(self.unlock_url, {"reason": "Đồng chí Ngân gọi điện xin mở khóa"})
        self.assertEqual(answer.status_code, 404)
        self.assertTrue(self.leader_locked())
        self.assertFalse(AuditEntry.objects.filter(action="user.unlocked").exists())

    def test_roles_without_the_accounts_right_are_refused(self) -> None:
        for user in [self.world.commune_officer, self.world.leader, self.world.council]:
            self.login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403)
            self.assertEqual(
                self.client.post(self.unlock_url, {"reason": "x" * 20}).status_code, 403
            )
        self.assertTrue(self.leader_locked())

    def test_unlocking_needs_a_reason_and_changes_nothing_without_one(self) -> None:
        self.login(self.world.district_admin)
        for reason in ["", "   ", "gọi điện"]:
            response = self.client.post(self.unlock_url, {"reason": reason}, follow=True)
            self.assertContains(response, "Hãy ghi lý do mở khóa (ít nhất 10 ký tự).")
        self.assertTrue(self.leader_locked())
        self.assertFalse(AuditEntry.objects.filter(action="user.unlocked").exists())

    def test_unlocking_lets_the_leader_sign_in_and_is_audited(self) -> None:
        self.login(self.world.district_admin)
        reason = "Đồng chí Ngân gọi điện, đã xác minh qua số máy bàn"
        response = self.client.post(self.unlock_url, {"reason": reason}, follow=True)
        self.assertContains(response, f"{self.world.leader.username} đã có thể đăng nhập lại.")
        self.assertContains(response, "Không có tài khoản nào của đơn vị bị khóa.")
        self.assertFalse(AccessAttempt.objects.filter(username=self.world.leader.username).exists())
        self.assertFalse(self.leader_locked())
        entry = AuditEntry.objects.get(action="user.unlocked")
        self.assertEqual(entry.actor, self.world.district_admin)
        self.assertEqual(entry.object_id, str(self.world.leader.pk))
        self.assertEqual(entry.summary["reason"], reason)
        self.assertEqual(entry.unit, self.world.dai_an_1)
        # The failures stay listed: lifting the lock does not erase what happened.
        self.assertContains(self.client.get(self.url), "198.51.100.7")

    def test_an_account_that_is_not_locked_is_told_so(self) -> None:
        self.login(self.world.district_admin)
        url = reverse("account-unlock", args=[self.world.proctor.pk])
        response = self.client.post(url, {"reason": "Giám thị xin mở khóa tài khoản"}, follow=True)
        self.assertContains(response, "Tài khoản này không bị khóa.")
        self.assertFalse(AuditEntry.objects.filter(action="user.unlocked").exists())
