"""Question banks belong to a unit (issue 15, point 0): another district neither reads,
exports, changes nor draws from a bank that is not shared with it; a bank shared on purpose
is read and copied below and beside, never changed there."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from sathach.campaigns.tests.factories import make_campaign
from sathach.core.errors import DomainError
from sathach.core.models import AuditEntry
from sathach.exams.formats.gift import read_gift
from sathach.exams.models import QuestionBank
from sathach.exams.services.sessions import RuleSpec, blueprint_save
from sathach.exams.tests.factories import make_bank
from sathach.organization.audit_access import audit_entries_for_user
from sathach.organization.testing import BaseTestCase


class BankPerUnitTests(BaseTestCase):
    def setUp(self) -> None:
        self.w: Any = self.world
        self.bank = make_bank(per_topic=1)  # Cù Lao Dung's
        self.question = self.bank.questions.order_by("pk").first()
        assert self.question is not None

    def get(self, user: Any, name: str, *args: Any, **query: Any) -> Any:
        self.login(user)
        return self.client.get(reverse(name, args=args), query)

    def test_another_district_reads_exports_and_changes_nothing_of_an_unshared_bank(self) -> None:
        self.assertEqual(self.bank.unit, self.w.district)
        listing = self.get(self.w.outsider, "question-list", bank=self.bank.pk)
        self.assertNotIn(self.bank, listing.context["banks"])
        self.assertNotContains(listing, self.question.current.text[:30])
        export = self.get(self.w.outsider, "question-export", bank=self.bank.pk, format="gift")
        self.assertEqual(export.status_code, 404)
        for name in ("question-detail", "question-edit"):
            self.assertEqual(self.get(self.w.outsider, name, self.question.pk).status_code, 404)
        toggle = self.client.post(reverse("question-toggle", args=[self.question.pk]))
        self.assertEqual(toggle.status_code, 404)
        self.question.refresh_from_db()
        self.assertTrue(self.question.is_active)
        # The owner and the province above read it; the owner exports it with the keys.
        self.assertContains(
            self.get(self.w.province_admin, "question-detail", self.question.pk), ""
        )
        export = self.get(
            self.w.district_admin, "question-export", bank=self.bank.pk, format="gift"
        )
        self.assertIn("=Phương án A", export.content.decode())

    def test_a_shared_bank_is_read_and_copied_beside_never_changed(self) -> None:
        self.login(self.w.district_admin)
        self.client.post(reverse("bank-share", args=[self.bank.pk]), {"shared": "1"})
        self.bank.refresh_from_db()
        self.assertTrue(self.bank.shared)
        shared = AuditEntry.objects.get(action="exam.bank_shared")
        self.assertIn(shared, audit_entries_for_user(self.w.district_admin))
        self.assertNotIn(shared, audit_entries_for_user(self.w.outsider))
        # Long Phú reads and exports it, but neither edits nor takes questions out.
        listing = self.get(self.w.outsider, "question-list", bank=self.bank.pk)
        self.assertIn(self.bank, listing.context["banks"])
        self.assertFalse(listing.context["managed"])
        detail = self.get(self.w.outsider, "question-detail", self.question.pk)
        self.assertContains(detail, "chỉ được xem và sao chép")
        self.assertNotContains(detail, reverse("question-edit", args=[self.question.pk]))
        self.assertEqual(
            self.get(self.w.outsider, "question-edit", self.question.pk).status_code, 404
        )
        self.assertEqual(
            self.client.post(reverse("question-toggle", args=[self.question.pk])).status_code, 404
        )
        self.assertEqual(
            self.client.post(
                reverse("bank-share", args=[self.bank.pk]), {"shared": "0"}
            ).status_code,
            404,
        )
        # It copies the bank into one of its own, which it then changes freely.
        response = self.client.post(
            reverse("bank-copy", args=[self.bank.pk]), {"name": "Ngân hàng Long Phú"}
        )
        copy = QuestionBank.objects.get(name="Ngân hàng Long Phú")
        self.assertRedirects(response, f"{reverse('question-list')}?bank={copy.pk}")
        self.assertEqual(copy.unit, self.w.other_district)
        self.assertEqual(copy.questions.count(), self.bank.questions.count())
        mine = copy.questions.order_by("pk").first()
        self.assertEqual(self.get(self.w.outsider, "question-edit", mine.pk).status_code, 200)
        # The copy is Long Phú's alone: Cù Lao Dung does not see it.
        self.assertEqual(
            self.get(self.w.district_admin, "question-detail", mine.pk).status_code, 404
        )

    def test_a_campaign_draws_only_from_a_bank_of_its_own_line(self) -> None:
        campaign = make_campaign(self.w, code="12/KH-UBND")  # Cù Lao Dung's
        other = QuestionBank.objects.create(name="Long Phú", unit=self.w.other_district)
        with self.assertRaises(DomainError):
            blueprint_save(
                actor=self.w.district_admin,
                campaign=campaign,
                bank=other,
                rules=[RuleSpec("IU01", 1)],
            )
        self.login(self.w.district_admin)
        page = self.client.get(reverse("blueprint-edit", args=[campaign.pk]))
        choices = list(page.context["form"].fields["bank"].queryset)
        self.assertIn(self.bank, choices)
        self.assertNotIn(other, choices)

    def test_imports_go_to_a_bank_of_the_admins_own_unit(self) -> None:
        from sathach.exams.services.bank import questions_import

        result = read_gift("::Hỏi:: Câu mới {=Đúng ~Sai}")
        with self.assertRaises(DomainError):  # not the installation's, unless a superuser
            questions_import(actor=self.w.outsider, result=result, bank_name="default")
        self.assertFalse(QuestionBank.objects.filter(unit=None).exists())
        questions_import(
            actor=self.w.outsider, result=result, bank_name="default", unit=self.w.other_district
        )
        theirs = QuestionBank.objects.get(name="default", unit=self.w.other_district)
        self.assertNotEqual(theirs, self.bank)
        self.assertEqual(self.bank.questions.count(), 12)
        entry = AuditEntry.objects.filter(action="exam.questions_imported").latest("seq")
        self.assertIn(entry, audit_entries_for_user(self.w.outsider))
        self.assertNotIn(entry, audit_entries_for_user(self.w.district_admin))
