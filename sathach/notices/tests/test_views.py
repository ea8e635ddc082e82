from __future__ import annotations

from django.urls import reverse

from sathach.core.models import AuditEntry
from sathach.notices.models import Message
from sathach.notices.tests.support import make_session
from sathach.organization.testing import BaseTestCase


class NoticePageTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.session = make_session(self.world)
        self.page = reverse("notice-list", args=[self.session.campaign_id])
        self.send = reverse("notice-session-send", args=[self.session.campaign_id, self.session.pk])

    def test_the_district_admin_queues_the_sessions_notices_and_sees_them(self) -> None:
        self.login(self.world.district_admin)
        response = self.client.post(self.send)
        self.assertRedirects(response, self.page)
        self.assertEqual(Message.objects.count(), 3)
        self.assertEqual(AuditEntry.objects.filter(action="notice.queued").count(), 1)
        page = self.client.get(self.page)
        self.assertContains(page, "Trần Thị Ngân")
        self.assertContains(page, "0912345678")
        overview = self.client.get(reverse("exam-overview", args=[self.session.campaign_id]))
        self.assertContains(overview, self.page)

    def test_a_failed_message_can_be_sent_again_with_its_tries_counted_anew(self) -> None:
        self.login(self.world.district_admin)
        self.client.post(self.send)
        message = Message.objects.get(channel="sms")
        Message.objects.filter(pk=message.pk).update(status="failed", tries=4)
        response = self.client.post(reverse("notice-resend", args=[message.pk]))
        self.assertRedirects(response, self.page)
        message.refresh_from_db()
        self.assertEqual((message.status, message.tries), ("queued", 0))
        self.assertEqual(AuditEntry.objects.filter(action="notice.resent").count(), 1)

    def test_a_queued_message_is_not_queued_twice(self) -> None:
        self.login(self.world.district_admin)
        self.client.post(self.send)
        message = Message.objects.get(channel="sms")
        self.client.post(reverse("notice-resend", args=[message.pk]))
        self.assertFalse(AuditEntry.objects.filter(action="notice.resent").exists())

    def test_the_commune_officer_may_neither_see_nor_send(self) -> None:
        self.login(self.world.commune_officer)
        self.assertEqual(self.client.get(self.page).status_code, 403)
        self.assertEqual(self.client.post(self.send).status_code, 403)
        self.login(self.world.district_admin)
        self.client.post(self.send)
        self.login(self.world.commune_officer)
        message = Message.objects.first()
        assert message is not None
        resend = reverse("notice-resend", args=[message.pk])
        self.assertEqual(self.client.post(resend).status_code, 403)
        self.assertEqual(self.client.get(self.page).status_code, 403)

    def test_the_outsider_cannot_reach_another_districts_campaign(self) -> None:
        self.login(self.world.outsider)
        self.assertEqual(self.client.get(self.page).status_code, 404)
        self.assertEqual(self.client.post(self.send).status_code, 404)
