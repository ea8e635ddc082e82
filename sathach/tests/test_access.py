"""Every role over every URL the project serves.

Each named URL must have an entry in ACCESS; a URL added without one fails
`test_every_url_has_an_entry`. Objects in the URLs belong to Cù Lao Dung (Đại Ân 1), so the
outsider (another district) and the commune officer of An Thạnh 1 must not reach them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from sathach.organization.testing import BaseTestCase

ANON = "anonymous"
ROLES = [
    ANON,
    "province_admin",
    "district_admin",
    "council",
    "proctor",
    "commune_officer",
    "examinee",
    "outsider",
    "nobody",
]


def expect(default: int, anonymous: int = 302, **overrides: int) -> dict[str, int]:
    table = {role: default for role in ROLES}
    table[ANON] = anonymous
    table.update(overrides)
    return table


VIEWERS = {
    "province_admin": 200,
    "district_admin": 200,
    "council": 200,
    "proctor": 200,
    "commune_officer": 200,
    "outsider": 200,
}
UNIT_MANAGERS = {"province_admin": 200, "district_admin": 200, "outsider": 200}
PEOPLE_MANAGERS = {**UNIT_MANAGERS, "commune_officer": 200}
ACCOUNT_MANAGERS = UNIT_MANAGERS
CAMPAIGN_VIEWERS = VIEWERS
# District-level readers of a Cù Lao Dung object; the commune officer of An Thạnh 1 may not
# see Đại Ân 1's, the outsider nothing.
DISTRICT_READERS = {**VIEWERS, "commune_officer": 404, "outsider": 404}
DISTRICT_MANAGERS = {"province_admin": 200, "district_admin": 200, "outsider": 404}
POST_ONLY = expect(405, anonymous=405)

Kwargs = Callable[[Any], dict[str, Any]]
NO_ARGS: Kwargs = lambda world: {}  # noqa: E731
DAI_AN_1: Kwargs = lambda world: {"pk": world.dai_an_1.pk}  # noqa: E731
CAMPAIGN: Kwargs = lambda world: {"pk": world.campaign.pk}  # noqa: E731
PROVINCE: Kwargs = lambda world: {"pk": world.province.pk}  # noqa: E731
EXAM_CAMPAIGN: Kwargs = lambda world: {"pk": world.session.campaign_id}  # noqa: E731
SESSION: Kwargs = lambda world: {"pk": world.session.pk}  # noqa: E731
ATTEMPT: Kwargs = lambda world: {"pk": world.attempt.pk}  # noqa: E731
EOFFICE_TASK: Kwargs = lambda world: {"pk": world.eoffice_task.pk}  # noqa: E731
CERTIFICATE_ROLES = {"province_admin": 200, "district_admin": 200, "council": 200}
SESSION_RUNNERS = {"province_admin": 200, "district_admin": 200, "proctor": 200, "outsider": 404}
# A practical file of the session's attempt (none exists: those who run the session get 404).
UPLOAD: Kwargs = lambda world: {  # noqa: E731
    "pk": world.session.pk,
    "attempt_pk": world.attempt.pk,
    "upload_pk": 1,
}
NO_UPLOAD = {**SESSION_RUNNERS, "province_admin": 404, "district_admin": 404, "proctor": 404}

# url name -> (kwargs, expected status of a GET for each role)
ACCESS: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "home": (NO_ARGS, expect(200)),
    "login": (NO_ARGS, expect(302, anonymous=200)),
    "logout": (NO_ARGS, expect(405, anonymous=405)),
    "password_change": (NO_ARGS, expect(200)),
    "set_language": (NO_ARGS, expect(405, anonymous=405)),
    "healthz": (NO_ARGS, expect(200, anonymous=200)),
    # A signed address of no file: 404 to whoever is signed in.
    "stored-file": (lambda world: {"token": "x"}, expect(404)),
    "audit-list": (NO_ARGS, expect(403, **ACCOUNT_MANAGERS)),
    "unit-list": (NO_ARGS, expect(403, **VIEWERS)),
    "unit-create": (NO_ARGS, expect(403, **UNIT_MANAGERS)),
    "unit-detail": (
        DAI_AN_1,
        expect(403, **{**VIEWERS, "commune_officer": 404, "outsider": 404}),
    ),
    "unit-edit": (
        DAI_AN_1,
        expect(403, province_admin=200, district_admin=200, outsider=404),
    ),
    "unit-import": (NO_ARGS, expect(403, **UNIT_MANAGERS)),
    "units-migrate-2025": (NO_ARGS, expect(403, province_admin=200)),
    "unit-template": (NO_ARGS, expect(403, **UNIT_MANAGERS)),
    "unit-export": (NO_ARGS, expect(403, **VIEWERS)),
    "person-list": (NO_ARGS, expect(403, **VIEWERS)),
    "person-create": (NO_ARGS, expect(403, **PEOPLE_MANAGERS)),
    "person-edit": (
        lambda world: {"pk": world.leader_person.pk},
        expect(403, **{**PEOPLE_MANAGERS, "commune_officer": 404, "outsider": 404}),
    ),
    # The leader has no photo: whoever may see them gets 404, as do the others' readers.
    "person-photo": (
        lambda world: {"pk": world.leader_person.pk},
        expect(403, **dict.fromkeys(VIEWERS, 404)),
    ),
    "person-import": (NO_ARGS, expect(403, **PEOPLE_MANAGERS)),
    "person-template": (NO_ARGS, expect(403, **PEOPLE_MANAGERS)),
    "person-export": (NO_ARGS, expect(403, **VIEWERS)),
    "account-list": (NO_ARGS, expect(403, **ACCOUNT_MANAGERS)),
    "account-lockouts": (NO_ARGS, expect(403, **ACCOUNT_MANAGERS)),
    "account-unlock": (lambda world: {"pk": world.leader.pk}, POST_ONLY),
    "account-create": (NO_ARGS, expect(403, **ACCOUNT_MANAGERS)),
    "account-detail": (
        lambda world: {"pk": world.leader.pk},
        expect(403, **{**ACCOUNT_MANAGERS, "outsider": 404}),
    ),
    "examinee-credentials": (DAI_AN_1, expect(403, **{**ACCOUNT_MANAGERS, "outsider": 404})),
    "campaign-list": (NO_ARGS, expect(403, **CAMPAIGN_VIEWERS)),
    "campaign-create": (NO_ARGS, expect(403, **UNIT_MANAGERS)),
    "campaign-detail": (CAMPAIGN, expect(403, **{**CAMPAIGN_VIEWERS, "outsider": 404})),
    "campaign-edit": (CAMPAIGN, expect(403, **DISTRICT_MANAGERS)),
    "campaign-copy": (CAMPAIGN, expect(403, **DISTRICT_MANAGERS)),
    "campaign-status": (CAMPAIGN, POST_ONLY),
    "campaign-rules": (CAMPAIGN, expect(403, **DISTRICT_MANAGERS)),
    "campaign-roster": (CAMPAIGN, expect(403, **{**CAMPAIGN_VIEWERS, "outsider": 404})),
    "campaign-appeals": (CAMPAIGN, expect(403, **{**CAMPAIGN_VIEWERS, "outsider": 404})),
    "appeal-decide": (lambda world: {"pk": world.campaign.pk, "appeal_pk": 1}, POST_ONLY),
    "my-appeals": (NO_ARGS, expect(403, examinee=200, commune_officer=404)),
    "readiness": (CAMPAIGN, expect(403, **{**CAMPAIGN_VIEWERS, "outsider": 404})),
    "unit-readiness": (
        lambda world: {"pk": world.campaign.pk, "unit_pk": world.dai_an_1.pk},
        expect(403, **DISTRICT_READERS),
    ),
    "device-add": (
        lambda world: {"pk": world.campaign.pk, "person_pk": world.leader_person.pk},
        POST_ONLY,
    ),
    "facility-declare": (
        lambda world: {
            "pk": world.campaign.pk,
            "unit_pk": world.dai_an_1.pk,
            "item_pk": world.facility_item.pk,
        },
        POST_ONLY,
    ),
    "facility-review": (
        lambda world: {"pk": world.campaign.pk, "declaration_pk": world.declaration.pk},
        POST_ONLY,
    ),
    "evidence-download": (
        lambda world: {"pk": world.campaign.pk, "evidence_pk": world.evidence.pk},
        expect(403, **DISTRICT_READERS),
    ),
    "facility-items": (CAMPAIGN, expect(403, **DISTRICT_MANAGERS)),
    "result-list": (CAMPAIGN, expect(403, **{**CAMPAIGN_VIEWERS, "outsider": 404})),
    "result-override": (
        lambda world: {"pk": world.campaign.pk, "person_pk": world.leader_person.pk},
        expect(403, **DISTRICT_MANAGERS),
    ),
    "result-import": (CAMPAIGN, expect(403, **DISTRICT_MANAGERS)),
    "result-template": (CAMPAIGN, expect(403, **DISTRICT_MANAGERS)),
    "ranking": (
        CAMPAIGN,
        expect(403, **{**CAMPAIGN_VIEWERS, "commune_officer": 403, "outsider": 404}),
    ),
    "ranking-approve": (CAMPAIGN, POST_ONLY),
    "awards-grant": (CAMPAIGN, POST_ONLY),
    "my-tests": (NO_ARGS, expect(403, examinee=200)),
    "attempt-begin": (ATTEMPT, POST_ONLY),
    # The examinee's own attempt, not started yet: sent back to "my tests".
    "attempt": (ATTEMPT, expect(403, examinee=302)),
    "attempt-save": (ATTEMPT, POST_ONLY),
    "attempt-finish": (ATTEMPT, POST_ONLY),
    "attempt-review": (ATTEMPT, expect(403, examinee=302)),
    "exam-overview": (EXAM_CAMPAIGN, expect(403, **SESSION_RUNNERS)),
    "blueprint-edit": (EXAM_CAMPAIGN, expect(403, **DISTRICT_MANAGERS)),
    "notice-list": (EXAM_CAMPAIGN, expect(403, **DISTRICT_MANAGERS)),
    "notice-session-send": (
        lambda world: {"pk": world.session.campaign_id, "session_pk": world.session.pk},
        POST_ONLY,
    ),
    "notice-office-session-send": (
        lambda world: {
            "pk": world.office_session.campaign_id,
            "session_pk": world.office_session.pk,
        },
        POST_ONLY,
    ),
    "notice-resend": (lambda world: {"pk": 1}, POST_ONLY),
    "session-add": (EXAM_CAMPAIGN, POST_ONLY),
    "session-console": (SESSION, expect(403, **SESSION_RUNNERS)),
    "session-attendance": (
        lambda world: {"pk": world.session.pk, "fmt": "docx"},
        expect(403, **SESSION_RUNNERS),
    ),
    "session-minutes": (
        lambda world: {"pk": world.session.pk, "fmt": "pdf"},
        expect(403, **SESSION_RUNNERS),
    ),
    "session-cards": (SESSION, expect(403, **SESSION_RUNNERS)),
    "session-cards-issue": (SESSION, POST_ONLY),
    "session-papers": (SESSION, expect(403, **SESSION_RUNNERS)),
    "session-reschedule": (SESSION, POST_ONLY),
    "session-statistics": (SESSION, expect(403, **{**DISTRICT_MANAGERS, "proctor": 403})),
    "session-regrade": (SESSION, POST_ONLY),
    "session-move": (SESSION, POST_ONLY),
    "session-statistics-compute": (SESSION, POST_ONLY),
    "session-control": (lambda world: {"pk": world.session.pk, "action": "open"}, POST_ONLY),
    "attempt-control": (
        lambda world: {
            "pk": world.session.pk,
            "attempt_pk": world.attempt.pk,
            "action": "extra-time",
        },
        POST_ONLY,
    ),
    # Practical tasks: the examinee's own slot (position 1 is a question, not a file task);
    # the proctor's page of an attempt (no practical task here) and its files (none).
    "attempt-files": (ATTEMPT, expect(403, examinee=404)),
    "task-file": (lambda world: {"pk": world.attempt.pk, "position": 1}, expect(403, examinee=404)),
    "task-starter": (
        lambda world: {"pk": world.attempt.pk, "position": 1},
        expect(403, examinee=404),
    ),
    "practical-attempt": (
        lambda world: {"pk": world.session.pk, "attempt_pk": world.attempt.pk},
        expect(403, **SESSION_RUNNERS),
    ),
    "practical-override": (
        lambda world: {"pk": world.session.pk, "attempt_pk": world.attempt.pk, "position": 1},
        POST_ONLY,
    ),
    "practical-upload-file": (UPLOAD, expect(403, **NO_UPLOAD)),
    "practical-upload-pages": (UPLOAD, expect(403, **NO_UPLOAD)),
    "practical-upload-page": (
        lambda world: {**UPLOAD(world), "page": 1},
        expect(403, **NO_UPLOAD),
    ),
    # Reports: the district's roles all of them; a commune officer the workbook of their
    # commune; an admin of another district sees no campaign of this one.
    "report-list": (
        NO_ARGS,
        expect(
            403,
            province_admin=200,
            district_admin=200,
            council=200,
            commune_officer=200,
            outsider=200,
        ),
    ),
    "report-campaign": (
        CAMPAIGN,
        expect(
            403,
            province_admin=200,
            district_admin=200,
            council=200,
            commune_officer=200,
            outsider=404,
        ),
    ),
    "report-download": (
        lambda world: {"pk": world.campaign.pk, "identifier": "results", "fmt": "xlsx"},
        expect(
            403,
            province_admin=200,
            district_admin=200,
            council=200,
            commune_officer=200,
            outsider=404,
        ),
    ),
    # Giấy khen: the district's roles; a commune officer holds the export right over
    # their commune only (403). The fixture job is queued (no zip yet: 404) and the PDF
    # number names no file (404) once access is granted.
    "report-certificates": (CAMPAIGN, expect(403, **{**CERTIFICATE_ROLES, "outsider": 404})),
    "report-certificates-job": (
        lambda world: {"pk": world.campaign.pk, "job_pk": world.certificate_job.pk},
        expect(403, **{**CERTIFICATE_ROLES, "outsider": 404}),
    ),
    "report-certificates-zip": (
        lambda world: {"pk": world.campaign.pk, "job_pk": world.certificate_job.pk},
        expect(403, province_admin=404, district_admin=404, council=404, outsider=404),
    ),
    # The generic job page, over the fixture certificate job of the district (no creator):
    # holders of the export right over the district.
    "job-detail": (
        lambda world: {"pk": world.certificate_job.pk},
        expect(403, **{**CERTIFICATE_ROLES, "commune_officer": 404, "outsider": 404}),
    ),
    "report-certificate-pdf": (
        lambda world: {"pk": world.campaign.pk, "file_pk": 999999},
        expect(403, province_admin=404, district_admin=404, council=404, outsider=404),
    ),
    # Dashboards: the campaign pages' readers; a commune officer sees their commune's
    # figures only (reports/views/dashboard.py).
    "dashboard-list": (NO_ARGS, expect(403, **CAMPAIGN_VIEWERS)),
    "dashboard": (CAMPAIGN, expect(403, **{**CAMPAIGN_VIEWERS, "outsider": 404})),
    # The province's view: province and district roles, each over the campaigns of its own
    # units; a commune's roles and the outsider (no campaign in Long Phú) see none.
    "province-list": (NO_ARGS, expect(403, **CAMPAIGN_VIEWERS)),
    "province-dashboard": (
        PROVINCE,
        expect(403, **{**CAMPAIGN_VIEWERS, "commune_officer": 404, "outsider": 404}),
    ),
    "province-export": (
        PROVINCE,
        expect(403, **{**CAMPAIGN_VIEWERS, "commune_officer": 404, "outsider": 404}),
    ),
    "rounds-compare": (CAMPAIGN, expect(403, **{**CAMPAIGN_VIEWERS, "outsider": 404})),
    # The e-office test: an examinee's own task (not started yet: its pages send them back
    # to the start), the proctor's and the district's review.
    "eoffice-my": (NO_ARGS, expect(403, examinee=200)),
    "eoffice-begin": (EOFFICE_TASK, POST_ONLY),
    "eoffice-inbox": (EOFFICE_TASK, expect(403, examinee=302)),
    "eoffice-document": (
        lambda world: {"pk": world.eoffice_task.pk, "position": 1},
        expect(403, examinee=302),
    ),
    "eoffice-pdf": (
        lambda world: {"pk": world.eoffice_task.pk, "position": 1},
        expect(403, examinee=200),
    ),
    "eoffice-page-image": (
        lambda world: {"pk": world.eoffice_task.pk, "position": 1, "page": 1},
        expect(403, examinee=200),
    ),
    "eoffice-finish": (EOFFICE_TASK, expect(403, examinee=302)),
    "eoffice-action": (EOFFICE_TASK, POST_ONLY),
    "eoffice-result": (EOFFICE_TASK, expect(403, examinee=302)),
    "eoffice-campaign": (EXAM_CAMPAIGN, expect(403, **SESSION_RUNNERS)),
    "eoffice-review": (EOFFICE_TASK, expect(403, **SESSION_RUNNERS)),
    "eoffice-task-run": (
        lambda world: {"pk": world.eoffice_task.pk, "action": "unlock-pin"},
        POST_ONLY,
    ),
    "eoffice-session-add": (EXAM_CAMPAIGN, POST_ONLY),
    "eoffice-session": (
        lambda world: {"pk": world.office_session.pk},
        expect(403, **SESSION_RUNNERS),
    ),
    "eoffice-session-move": (lambda world: {"pk": world.office_session.pk}, POST_ONLY),
    "eoffice-session-papers": (
        lambda world: {"pk": world.office_session.pk},
        expect(403, **SESSION_RUNNERS),
    ),
    "eoffice-session-reschedule": (lambda world: {"pk": world.office_session.pk}, POST_ONLY),
    "eoffice-session-control": (
        lambda world: {"pk": world.office_session.pk, "action": "open"},
        POST_ONLY,
    ),
    "eoffice-task-control": (
        lambda world: {"pk": world.office_session.pk, "task_pk": 1, "action": "reopen"},
        POST_ONLY,
    ),
    "eoffice-set": (EXAM_CAMPAIGN, expect(403, **DISTRICT_MANAGERS)),
    "eoffice-scenarios": (NO_ARGS, expect(403, **UNIT_MANAGERS)),
    "eoffice-scenario-create": (NO_ARGS, expect(403, **UNIT_MANAGERS)),
    "eoffice-scenario-edit": (
        lambda world: {"pk": world.eoffice_task.documents.first().scenario_id},
        expect(403, **UNIT_MANAGERS),
    ),
    "eoffice-scenario-preview": (
        lambda world: {"pk": world.eoffice_task.documents.first().scenario_id},
        expect(403, **UNIT_MANAGERS),
    ),
    "eoffice-scenario-toggle": (
        lambda world: {"pk": world.eoffice_task.documents.first().scenario_id},
        POST_ONLY,
    ),
    "eoffice-scenario-copy": (
        lambda world: {"pk": world.eoffice_task.documents.first().scenario_id},
        POST_ONLY,
    ),
    # The bank is Cù Lao Dung's: the province reads it, the other district does not even
    # learn that its questions exist.
    "question-list": (NO_ARGS, expect(403, **UNIT_MANAGERS)),
    "question-detail": (
        lambda world: {"pk": world.question.pk},
        expect(403, **{**UNIT_MANAGERS, "outsider": 404}),
    ),
    "question-edit": (
        lambda world: {"pk": world.question.pk},
        expect(403, **{**UNIT_MANAGERS, "outsider": 404}),
    ),
    "question-toggle": (lambda world: {"pk": world.question.pk}, POST_ONLY),
    "bank-share": (lambda world: {"pk": world.question.bank_id}, POST_ONLY),
    "bank-copy": (lambda world: {"pk": world.question.bank_id}, POST_ONLY),
    "question-import": (NO_ARGS, expect(403, **UNIT_MANAGERS)),
    "question-import-confirm": (NO_ARGS, POST_ONLY),
    # Practical tasks in the bank (issue 18): the question editor's permissions. The world's
    # question is no practical task (and the add page wants a bank): 404 to those who pass.
    "question-template": (NO_ARGS, expect(403, **UNIT_MANAGERS)),
    "task-add": (NO_ARGS, expect(403, province_admin=404, district_admin=404, outsider=404)),
    "task-edit": (
        lambda world: {"pk": world.question.pk},
        expect(403, province_admin=404, district_admin=404, outsider=404),
    ),
    "task-starter-author": (
        lambda world: {"pk": world.question.pk},
        expect(403, province_admin=404, district_admin=404, outsider=404),
    ),
    # A leader's own certificate page; nobody else has one to see.
    "my-signature": (NO_ARGS, expect(404, examinee=200, nobody=404)),
    "my-signature-image": (NO_ARGS, expect(404, examinee=200, nobody=404)),
    "my-signature-upload": (NO_ARGS, POST_ONLY),
    "my-signature-check": (NO_ARGS, expect(404, examinee=200, nobody=404)),
    "signature-verify": (NO_ARGS, expect(200)),
    "document-seal": (
        NO_ARGS,
        expect(403, province_admin=200, district_admin=200, commune_officer=200, outsider=200),
    ),
    # The split flow's help page is a leader's; its API answers POST only.
    "remote-sign-help": (NO_ARGS, expect(404, examinee=200, nobody=404)),
    "remote-sign-login": (NO_ARGS, POST_ONLY),
    "remote-sign-prepare": (NO_ARGS, POST_ONLY),
    "remote-sign-finish": (lambda world: {"pk": uuid.uuid4()}, POST_ONLY),
    "pki-overview": (NO_ARGS, expect(403, **UNIT_MANAGERS)),
    "pki-action": (lambda world: {"action": "issue"}, POST_ONLY),
    # Public, as a CRL distribution point must be; the test world has no CA yet.
    "pki-crl": (NO_ARGS, expect(404, anonymous=404)),
    "pki-root": (NO_ARGS, expect(404, anonymous=404)),
    "question-export": (NO_ARGS, expect(403, province_admin=404, district_admin=404, outsider=404)),
}


def walk(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, str]]:
    """Yield (namespace, name) for every URL pattern, descending into includes."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = (
                f"{namespace}:{pattern.namespace}"
                if namespace and pattern.namespace
                else (pattern.namespace or namespace)
            )
            yield from walk(pattern.url_patterns, inner or "")
        elif isinstance(pattern, URLPattern):
            yield namespace, pattern.name or f"<unnamed {pattern.pattern}>"


def build_access_world(world: Any) -> None:
    """The objects of Cù Lao Dung that the URLs of ACCESS name, added to the personas."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sathach.campaigns.models import Campaign
    from sathach.campaigns.readiness import facility_declare, facility_item_save
    from sathach.campaigns.tests.factories import make_campaign

    world.campaign = make_campaign(world, status=Campaign.Status.PREPARING)
    world.facility_item = facility_item_save(
        actor=world.district_admin,
        campaign=world.campaign,
        title="Phòng máy",
        weight=Decimal(1),
    )
    world.declaration = facility_declare(
        actor=world.district_admin,
        campaign=world.campaign,
        unit=world.dai_an_1,
        item=world.facility_item,
        files=[SimpleUploadedFile("phong-may.pdf", b"%PDF-1.4 evidence")],
    )
    world.evidence = world.declaration.evidence.get()
    from sathach.reports.models import Job

    world.certificate_job = Job.objects.create(
        kind=Job.Kind.CERTIFICATES, campaign=world.campaign, unit=world.district
    )

    from sathach.exams.models import Question
    from sathach.exams.tests.factories import make_exam

    world.session = make_exam(world, code="76/KH-UBND")
    world.attempt = world.session.attempts.get(person=world.leader_person)
    world.question = Question.objects.first()

    from sathach.eoffice.services.draw import task_prepare
    from sathach.eoffice.tests.factories import load_bank, make_servants

    load_bank()
    make_servants(world)
    world.eoffice_task = task_prepare(
        actor=world.district_admin,
        campaign=world.session.campaign,
        person=world.leader_person,
        seed=1,
    )
    from sathach.eoffice.services.sessions import office_session_create

    world.office_session = office_session_create(
        actor=world.district_admin,
        campaign=world.session.campaign,
        name="Ca văn phòng điện tử",
        opens_at=world.session.opens_at,
        closes_at=world.session.closes_at,
        proctor=world.proctor,
        examinees=[],
    )


class AccessTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        build_access_world(cls.world)

    def user_for(self, role: str) -> Any:
        if role == ANON:
            return None
        if role == "nobody":
            return self.world.nobody
        return self.world.personas()[role]

    def test_every_url_has_an_entry(self) -> None:
        missing = [
            name
            for namespace, name in walk(get_resolver().url_patterns)
            if namespace != "admin" and name not in ACCESS
        ]
        self.assertEqual(missing, [], "add these URLs to ACCESS in test_access.py")

    def test_no_entry_is_stale(self) -> None:
        names = {name for _namespace, name in walk(get_resolver().url_patterns)}
        self.assertEqual(sorted(set(ACCESS) - names), [])

    def test_every_role_gets_the_expected_status_on_every_url(self) -> None:
        failures = []
        for name, (kwargs, table) in ACCESS.items():
            url = reverse(name, kwargs=kwargs(self.world))
            for role in ROLES:
                self.client.logout()
                user = self.user_for(role)
                if user is not None:
                    self.client.force_login(user)
                status = self.client.get(url).status_code
                if status != table[role]:
                    failures.append(f"{role} GET {url}: {status}, expected {table[role]}")
        self.assertEqual(failures, [])

    def test_anonymous_users_are_sent_to_the_login_page(self) -> None:
        for name, (kwargs, table) in ACCESS.items():
            if table[ANON] != 302:
                continue
            response = self.client.get(reverse(name, kwargs=kwargs(self.world)))
            self.assertTrue(response["Location"].startswith(reverse("login")), name)

    def test_the_admin_site_is_closed_to_every_role(self) -> None:
        urls = [reverse("admin:index")] + [
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            for model in admin.site._registry
        ]
        for role in ROLES:
            user = self.user_for(role)
            self.client.logout()
            if user is not None:
                self.assertFalse(user.is_staff)
                self.client.force_login(user)
            for url in urls:
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302, f"{role} {url}")
                self.assertIn(reverse("admin:login"), response["Location"])

    def test_posts_to_another_districts_objects_are_refused(self) -> None:
        self.client.force_login(self.world.outsider)
        unit = self.world.dai_an_1
        response = self.client.post(
            reverse("unit-edit", kwargs={"pk": unit.pk}), {"name": "X", "kind": "xa"}
        )
        self.assertEqual(response.status_code, 404)
        response = self.client.post(reverse("examinee-credentials", kwargs={"pk": unit.pk}))
        self.assertEqual(response.status_code, 404)
        unit.refresh_from_db()
        self.assertEqual(unit.name, "Xã Đại Ân 1")

    def test_a_commune_officer_declares_for_their_commune_only(self) -> None:
        from sathach.campaigns.models import FacilityDeclaration

        world: Any = self.world
        self.client.force_login(world.commune_officer)
        url = reverse(
            "facility-declare",
            kwargs={
                "pk": world.campaign.pk,
                "unit_pk": world.dai_an_1.pk,
                "item_pk": world.facility_item.pk,
            },
        )
        self.assertEqual(self.client.post(url, {"note": "x"}).status_code, 404)
        url = reverse(
            "facility-declare",
            kwargs={
                "pk": world.campaign.pk,
                "unit_pk": world.an_thanh_1.pk,
                "item_pk": world.facility_item.pk,
            },
        )
        self.assertEqual(self.client.post(url, {"note": "Có phòng máy"}).status_code, 302)
        self.assertTrue(
            FacilityDeclaration.objects.filter(unit=world.an_thanh_1, note="Có phòng máy").exists()
        )

    def test_only_the_council_approves_and_only_its_own_district(self) -> None:
        world: Any = self.world
        url = reverse("ranking-approve", kwargs={"pk": world.campaign.pk})
        for user, status in (
            (self.world.district_admin, 403),
            (self.world.commune_officer, 403),
            (self.world.outsider, 403),
        ):
            self.client.force_login(user)
            self.assertEqual(self.client.post(url).status_code, status, user.username)
        self.client.force_login(self.world.council)
        self.assertEqual(self.client.post(url).status_code, 302)
