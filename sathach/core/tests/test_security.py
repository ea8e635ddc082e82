"""What a refused request leaves in the log, and the headers every page carries."""

from __future__ import annotations

from django.urls import reverse

from sathach.core.testing import BaseTestCase


class RefusalLogTestCase(BaseTestCase):
    def test_a_forbidden_page_logs_one_line_with_the_user_and_path(self) -> None:
        self.login(self.world.leader)
        url = reverse("audit-list")
        with self.assertLogs("django.request", "WARNING") as logs:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(len(logs.records), 1)
        record = logs.records[0]
        self.assertEqual(record.levelname, "WARNING")
        self.assertIsNone(record.exc_info)
        line = record.getMessage()
        self.assertEqual(line.count("\n"), 0)
        self.assertIn(self.world.leader.username, line)
        self.assertIn(url, line)
        self.assertIn("403", line)
        self.assertNotIn("Traceback", logs.output[0])
