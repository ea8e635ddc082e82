from __future__ import annotations

import re

from django.urls import reverse

from sathach.organization.testing import BaseTestCase


class HomePageTestCase(BaseTestCase):
    def home(self, user):  # type: ignore[no-untyped-def]
        self.login(user)
        return self.client.get(reverse("home"))

    def test_it_is_in_vietnamese_by_default(self) -> None:
        response = self.home(self.world.district_admin)
        self.assertContains(response, '<html lang="vi">')
        self.assertContains(response, "Xin chào")
        self.assertContains(response, "Đăng xuất")

    def test_english_can_be_switched_on(self) -> None:
        self.login(self.world.district_admin)
        self.client.post(reverse("set_language"), {"language": "en", "next": "/"})
        response = self.client.get(reverse("home"))
        self.assertContains(response, '<html lang="en">')
        self.assertContains(response, "Welcome")

    def test_each_role_sees_its_own_section(self) -> None:
        sections = {
            "province_admin": ["campaigns", "sign-ins", "organization"],
            "district_admin": ["campaigns", "sign-ins", "organization"],
            "commune_officer": ["commune", "organization"],
            "council": ["council"],
            "proctor": ["proctor"],
            "examinee": ["examinee"],
        }
        for role, expected in sections.items():
            response = self.home(self.world.personas()[role])
            found = re.findall(r'<section class="card" data-role="([a-z-]+)"', response.text)
            self.assertEqual(found, expected, role)

    def test_the_examinee_sees_nothing_of_the_organization(self) -> None:
        response = self.home(self.world.leader)
        self.assertNotContains(response, 'data-role="organization"')
        self.assertNotContains(response, reverse("unit-list"))
        self.assertContains(response, "Trần Thị Ngân")

    def test_a_commune_officer_counts_only_their_commune(self) -> None:
        response = self.home(self.world.commune_officer)
        self.assertEqual(response.context["organization"]["communes"], 1)
        self.assertEqual(response.context["organization"]["people"], 2)

    def test_an_account_without_a_role_is_told_what_to_do(self) -> None:
        response = self.home(self.world.nobody)
        self.assertContains(response, "chưa được cấp vai trò")

    def test_the_people_list_is_searchable_without_diacritics(self) -> None:
        self.login(self.world.district_admin)
        response = self.client.get(reverse("person-list"), {"q": "tran thi ngan"})
        self.assertContains(response, "Trần Thị Ngân")
        response = self.client.get(reverse("person-list"), {"q": "Ngân"})
        self.assertContains(response, "Trần Thị Ngân")
        self.assertNotContains(response, "Lý Văn Sơn")

    def test_an_english_browser_still_gets_vietnamese(self) -> None:
        self.login(self.world.district_admin)
        response = self.client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        self.assertContains(response, '<html lang="vi">')
        self.assertContains(response, "Xin chào")
