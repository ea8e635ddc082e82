"""The IT-skills test: the question bank with versions, the blueprint of a campaign's test,
sessions, attempts and the answer of each slot.

An answer lives in its slot row (`AttemptItem`) with the client's sequence number, so that an
autosave is one conditional UPDATE: a late retry carrying an older number changes nothing.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sathach.campaigns.models import Campaign
from sathach.core.text import fold, nfc, nfc_text
from sathach.organization.models import Person

MODULES = [
    ("IU01", _("IU01 — Understanding basic IT")),
    ("IU02", _("IU02 — Using a computer")),
    ("IU03", _("IU03 — Word processing")),
    ("IU04", _("IU04 — Spreadsheets")),
    ("IU05", _("IU05 — Presentations")),
    ("IU06", _("IU06 — Using the Internet")),
]
MODULE_CODES = [code for code, _label in MODULES]


class Difficulty(models.TextChoices):
    EASY = "easy", _("Easy")
    MEDIUM = "medium", _("Medium")
    HARD = "hard", _("Hard")


class QuestionType(models.TextChoices):
    SINGLE = "single", _("One right answer")
    MULTIPLE = "multiple", _("Several right answers")
    TRUEFALSE = "truefalse", _("True or false")
    SHORTANSWER = "shortanswer", _("Short answer")
    MATCHING = "matching", _("Matching")
    NUMERICAL = "numerical", _("Number")
    ESSAY = "essay", _("Essay (kept in the bank, never drawn into a test)")
    DESCRIPTION = "description", _("Information block")
    # Practical tasks (sathach.practical): graded from the file the leader makes, or typed.
    DOCUMENT = "document", _("Practical: a document")
    SPREADSHEET = "spreadsheet", _("Practical: a spreadsheet")
    PRESENTATION = "presentation", _("Practical: a presentation")
    TYPING = "typing", _("Practical: Vietnamese typing")


# Types graded by the machine; the test draws only these.
AUTO_GRADED = [
    QuestionType.SINGLE,
    QuestionType.MULTIPLE,
    QuestionType.TRUEFALSE,
    QuestionType.SHORTANSWER,
    QuestionType.MATCHING,
    QuestionType.NUMERICAL,
]
PRACTICAL = [
    QuestionType.DOCUMENT,
    QuestionType.SPREADSHEET,
    QuestionType.PRESENTATION,
    QuestionType.TYPING,
]
# What a test draws: the objective questions and the practical tasks, each by its own rules.
DRAWN = [*AUTO_GRADED, *PRACTICAL]


def random_token() -> str:
    return secrets.token_urlsafe(24)


DEFAULT_BANK = "default"  # the command line's name of a unit's (or the installation's) bank


def bank_label(name: str) -> str:
    """A bank's name as people read it: the default bank has a Vietnamese name."""
    return str(_("the common bank")) if name == DEFAULT_BANK else name


class QuestionBank(models.Model):
    """A unit's questions. Its admins (and those of the units above) read, change and export
    them; the admins of the units below it and beside it (the same parent) read and copy
    them only when the bank is shared on purpose. A bank without a unit is the
    installation's, changed only by a superuser or on the command line."""

    unit = models.ForeignKey(
        "organization.AdministrativeUnit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="question_banks",
    )
    name = models.CharField(_("name"), max_length=100)
    shared = models.BooleanField(_("shared with the units below and beside"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("question bank")
        verbose_name_plural = _("question banks")
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="bank_name_unique"),
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(unit__isnull=True),
                name="bank_installation_name_unique",
            ),
        ]

    def __str__(self) -> str:
        return bank_label(self.name)


class Category(models.Model):
    """A category path such as "IU03/Định dạng văn bản"; its first segment names the module."""

    bank = models.ForeignKey(QuestionBank, on_delete=models.CASCADE, related_name="categories")
    path = models.CharField(_("category"), max_length=255)
    module = models.CharField(_("module"), max_length=4, choices=MODULES, blank=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "path"], name="category_unique_path")
        ]

    def __str__(self) -> str:
        return self.path

    @property
    def topic(self) -> str:
        _head, _sep, rest = self.path.partition("/")
        return rest if self.module else self.path


class Question(models.Model):
    """A question's identity; its text and key are in versions. Editing a version that an
    attempt used makes a new version, and the attempt keeps its own."""

    bank = models.ForeignKey(QuestionBank, on_delete=models.CASCADE, related_name="questions")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="questions")
    difficulty = models.CharField(
        _("difficulty"), max_length=10, choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    is_active = models.BooleanField(_("in use"), default=True)
    current = models.ForeignKey(
        "QuestionVersion", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["category__path", "pk"]

    def __str__(self) -> str:
        return self.current.title or self.current.text[:60] if self.current else str(self.pk)


class QuestionVersion(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    type = models.CharField(_("type"), max_length=20, choices=QuestionType.choices)
    title = models.CharField(_("title"), max_length=255, blank=True)
    text = models.TextField(_("question"))
    text_format = models.CharField(max_length=10, default="plain")
    # The key and feedback as the formats carry them: answers [{text, fraction, feedback}],
    # numerical [{value, tolerance, fraction, feedback}], pairs [{prompt, answer}],
    # truefalse, truefalse_feedback, general_feedback. Fractions are decimal strings.
    data = models.JSONField(default=dict)
    default_mark = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal(1))
    shuffle = models.BooleanField(_("shuffle the options"), default=True)
    tags = models.JSONField(default=list)
    search_text = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("question version")
        verbose_name_plural = _("question versions")
        ordering = ["question", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="question_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title or self.text[:60]} (v{self.number})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.title = nfc(self.title)
        self.text = nfc_text(self.text)
        answers = " ".join(str(a.get("text", "")) for a in self.data.get("answers", []))
        self.search_text = fold(f"{self.title} {self.text} {answers}")
        super().save(*args, **kwargs)


class QuestionImage(models.Model):
    """A picture of a question, referenced in its text as @@PLUGINFILE@@/<name>."""

    version = models.ForeignKey(QuestionVersion, on_delete=models.CASCADE, related_name="images")
    name = models.CharField(max_length=255)
    file = models.FileField(upload_to="questions/%Y/")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "name"], name="question_image_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ReviewWhen(models.TextChoices):
    IMMEDIATELY = "immediately", _("Right after submitting")
    AFTER_CLOSE = "after_close", _("After the session closes")
    NEVER = "never", _("Never")


class Blueprint(models.Model):
    """What the campaign's IT-skills test draws and how it runs."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="blueprint")
    bank = models.ForeignKey(QuestionBank, on_delete=models.PROTECT, related_name="+")
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"), default=45, validators=[MinValueValidator(5)]
    )
    shuffle_questions = models.BooleanField(_("shuffle the questions"), default=True)
    shuffle_options = models.BooleanField(_("shuffle the options"), default=True)
    review_score = models.CharField(
        _("the examinee sees the score"),
        max_length=20,
        choices=ReviewWhen.choices,
        default=ReviewWhen.IMMEDIATELY,
    )
    review_answers = models.CharField(
        _("the examinee sees right and wrong answers"),
        max_length=20,
        choices=ReviewWhen.choices,
        default=ReviewWhen.AFTER_CLOSE,
    )
    review_key = models.CharField(
        _("the examinee sees the answer key and feedback"),
        max_length=20,
        choices=ReviewWhen.choices,
        default=ReviewWhen.AFTER_CLOSE,
    )

    class Meta:
        verbose_name = _("test blueprint")
        verbose_name_plural = _("test blueprints")

    def __str__(self) -> str:
        return f"{self.campaign.code}"

    @property
    def question_count(self) -> int:
        return sum(rule.count for rule in self.rules.all())


def blueprint_of(campaign: Campaign) -> Blueprint:
    """The campaign's blueprint (a reverse one-to-one the type checker cannot see)."""
    return campaign.blueprint  # type: ignore[attr-defined, no-any-return]


class BlueprintRule(models.Model):
    """Draw `count` questions of a module (optionally one category and one difficulty),
    spread evenly over the module's topics: objective questions, or practical tasks of one
    kind."""

    class Kind(models.TextChoices):
        QUESTIONS = "questions", _("Objective questions")
        DOCUMENT = "document", _("Practical: documents")
        SPREADSHEET = "spreadsheet", _("Practical: spreadsheets")
        PRESENTATION = "presentation", _("Practical: presentations")
        TYPING = "typing", _("Practical: Vietnamese typing")

    blueprint = models.ForeignKey(Blueprint, on_delete=models.CASCADE, related_name="rules")
    module = models.CharField(_("module"), max_length=4, choices=MODULES)
    category = models.ForeignKey(
        Category,
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    difficulty = models.CharField(
        _("difficulty"), max_length=10, choices=Difficulty.choices, blank=True
    )
    count = models.PositiveIntegerField(_("questions"), validators=[MinValueValidator(1)])
    kind = models.CharField(
        _("what is drawn"), max_length=12, choices=Kind.choices, default=Kind.QUESTIONS
    )

    class Meta:
        ordering = ["module", "pk"]

    def __str__(self) -> str:
        return f"{self.module}: {self.count}"


class ExamSession(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        OPEN = "open", _("Open")
        PAUSED = "paused", _("Paused")
        CLOSED = "closed", _("Closed")

    class Purpose(models.TextChoices):
        REGULAR = "regular", _("Regular session")
        MAKEUP = "makeup", _("Make-up session for absentees")
        RETAKE = "retake", _("Retake session")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="exam_sessions")
    name = models.CharField(_("name"), max_length=150)
    room = models.CharField(_("room"), max_length=150, blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("last start at"))
    proctor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proctor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proctored_sessions",
    )
    examinees = models.ManyToManyField(
        Person, verbose_name=_("examinees"), related_name="exam_sessions", blank=True
    )
    access_code = models.CharField(_("access code"), max_length=12)
    purpose = models.CharField(
        _("purpose"), max_length=10, choices=Purpose.choices, default=Purpose.REGULAR
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    paused_at = models.DateTimeField(null=True, blank=True)
    prepared_at = models.DateTimeField(null=True, blank=True)
    # The item and test statistics as the background job last computed them
    # (exams.statistics.statistics_as_json), and when.
    statistics = models.JSONField(null=True, blank=True, editable=False)
    statistics_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("exam session")
        verbose_name_plural = _("exam sessions")
        ordering = ["opens_at", "pk"]

    def __str__(self) -> str:
        return self.name


class Attempt(models.Model):
    """One examinee's test in a session, created with its drawn form before the opening."""

    class Status(models.TextChoices):
        READY = "ready", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    class SubmittedBy(models.TextChoices):
        EXAMINEE = "examinee", _("The examinee")
        DEADLINE = "deadline", _("Time ran out")
        PROCTOR = "proctor", _("The proctor closed the session")

    session = models.ForeignKey(ExamSession, on_delete=models.PROTECT, related_name="attempts")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attempts"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.READY)
    # The browser that holds the attempt: a new sign-in takes over with a new token.
    token = models.CharField(max_length=64, default=random_token)
    started_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)
    extra_seconds = models.PositiveIntegerField(default=0)
    # Wrong access codes since the last lock: shared by every server process, unlike a
    # per-process cache.
    wrong_codes = models.PositiveSmallIntegerField(default=0)
    codes_locked_until = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.CharField(max_length=10, choices=SubmittedBy.choices, blank=True)
    score = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)
    max_score = models.DecimalField(max_digits=8, decimal_places=3, default=Decimal(0))
    percent = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(null=True)
    # Per module of TT 03/2014 (IU01…IU06): {"IU03": {"score": "4.000", "max": "5.00",
    # "percent": "80.00"}}, set by the grading.
    module_scores = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="attempt_unique_person")
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.session}"

    def codes_locked(self, now: datetime) -> bool:
        """Whether five wrong access codes keep the examinee from starting until later."""
        return (
            self.status == self.Status.READY
            and self.codes_locked_until is not None
            and self.codes_locked_until > now
        )

    def seconds_left(self, now: Any = None) -> int:
        if self.deadline is None:
            return 0
        now = now or timezone.now()
        return max(0, int((self.deadline - now).total_seconds()))


class AttemptPage(models.Model):
    """The questions of a ready attempt's form as its exam page shows them before the first
    answer, made when the proctor prepares the session, so that the opening (every
    examinee at once) does not render them. It holds what the page holds: the questions'
    text and inputs in this examinee's order, no answer, no key. The page uses it while
    the attempt has no answer and no mark, its slots are still those it was made of and
    the page is in `language`."""

    attempt = models.OneToOneField(Attempt, on_delete=models.CASCADE, related_name="page")
    language = models.CharField(max_length=10)
    # What the questions were made of (selectors.form_digest): a slot given another version
    # or order since then makes the page from the slots again.
    digest = models.CharField(max_length=64)
    html = models.TextField()  # the questions (exams/_answers.html)
    nav = models.TextField()  # the navigator's links (exams/_nav.html)

    class Meta:
        verbose_name = _("prepared exam page")
        verbose_name_plural = _("prepared exam pages")

    def __str__(self) -> str:
        return str(self.attempt)


class AttemptItem(models.Model):
    """A slot of an attempt's form with the examinee's latest answer.

    `seq` is the client's sequence number of the stored answer: a save carrying a number not
    greater than it is late and changes nothing."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="+")
    # Display order of the options (indexes into the version's answers or pairs).
    order = models.JSONField(default=list)
    mark = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal(1))
    response = models.JSONField(null=True, blank=True)
    seq = models.PositiveIntegerField(default=0)
    flagged = models.BooleanField(default=False)
    saved_at = models.DateTimeField(null=True, blank=True)
    fraction = models.DecimalField(max_digits=8, decimal_places=7, null=True, blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="attempt_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}#{self.position}"

    @property
    def score(self) -> Decimal | None:
        return None if self.fraction is None else self.fraction * self.mark


class Incident(models.Model):
    """What a proctor did to an attempt or a session, with the reason given."""

    class Kind(models.TextChoices):
        EXTRA_TIME = "extra_time", _("Extra time")
        PAUSE = "pause", _("Session paused")
        RESUME = "resume", _("Session resumed")
        REOPEN = "reopen", _("Attempt reopened")
        CODE_UNLOCK = "code_unlock", _("Access code entry unlocked")

    session = models.ForeignKey(ExamSession, on_delete=models.CASCADE, related_name="incidents")
    attempt = models.ForeignKey(
        Attempt, null=True, blank=True, on_delete=models.CASCADE, related_name="incidents"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    reason = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%d/%m/%Y %H:%M}"
