"""Administrative units, people with positions, user accounts and their roles."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from sathach.core.text import fold, name_sort_key, nfc


class AdministrativeUnit(models.Model):
    """A province, district or commune, with its official code.

    `path` holds the ids from the root down ("/3/17/42/"), so that a unit's subtree is one
    indexed prefix query. Units of the divisions before 2025 and after are kept apart by
    `era`, because the official codes of the two lists overlap.
    """

    class Kind(models.TextChoices):
        PROVINCE = "tinh", _("Province")
        CITY = "thanh_pho_tw", _("Centrally governed city")
        DISTRICT = "huyen", _("District")
        URBAN_DISTRICT = "quan", _("Urban district")
        TOWN = "thi_xa", _("Town (thị xã)")
        PROVINCIAL_CITY = "thanh_pho", _("Provincial city")
        COMMUNE = "xa", _("Commune")
        WARD = "phuong", _("Ward")
        TOWNSHIP = "thi_tran", _("Township (thị trấn)")
        SPECIAL_ZONE = "dac_khu", _("Special zone")

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Province level")
        DISTRICT = 2, _("District level")
        COMMUNE = 3, _("Commune level")

    class Era(models.TextChoices):
        BEFORE_2025 = "2020", _("Divisions before 1/7/2025")
        FROM_2025 = "2025", _("Divisions from 1/7/2025")

    LEVEL_OF_KIND: ClassVar[dict[str, int]] = {
        "tinh": 1,
        "thanh_pho_tw": 1,
        "huyen": 2,
        "quan": 2,
        "thi_xa": 2,
        "thanh_pho": 2,
        "xa": 3,
        "phuong": 3,
        "thi_tran": 3,
        "dac_khu": 3,
    }

    code = models.CharField(_("official code"), max_length=10)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, editable=False)
    era = models.CharField(_("era"), max_length=4, choices=Era.choices, default=Era.BEFORE_2025)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["level", "code"]
        constraints = [
            models.UniqueConstraint(fields=["era", "level", "code"], name="unit_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name = nfc(self.name)
        self.level = self.LEVEL_OF_KIND[self.kind]
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
        if path != self.path:
            self.path = path
            type(self).objects.filter(pk=self.pk).update(path=path)

    def contains(self, other: AdministrativeUnit) -> bool:
        """True when `other` is this unit or lies below it."""
        return bool(self.path) and other.path.startswith(self.path)

    @property
    def is_commune_level(self) -> bool:
        return self.level == self.Level.COMMUNE

    @property
    def audit_unit(self) -> AdministrativeUnit:
        """An audit entry about a unit is filed under the unit itself."""
        return self

    def ancestors(self) -> list[AdministrativeUnit]:
        ids = [int(part) for part in self.path.strip("/").split("/") if part][:-1]
        by_id = {unit.pk: unit for unit in type(self).objects.filter(pk__in=ids)}
        return [by_id[pk] for pk in ids if pk in by_id]


class Position(models.TextChoices):
    """Positions held by the people of a unit. Commune civil servants of 2020 by field
    (Nghị định 34/2019/NĐ-CP, then 33/2023/NĐ-CP); from 1/7/2025 the commune's People's
    Committee works through its departments (Nghị định 150/2025/NĐ-CP, Điều 11: Văn phòng
    HĐND và UBND, Phòng Kinh tế, in a ward Phòng Kinh tế, Hạ tầng và Đô thị, Phòng Văn hóa -
    Xã hội) and its Trung tâm phục vụ hành chính công (Nghị định 118/2025/NĐ-CP, Điều 10), so
    a 2025 post is a department's head or a civil servant of one of its fields."""

    CHAIRMAN = "chu_tich", _("Chairman")
    VICE_CHAIRMAN = "pho_chu_tich", _("Vice-Chairman")
    OFFICE_STATISTICS = "van_phong_thong_ke", _("Office and statistics")
    LAND_CONSTRUCTION = "dia_chinh_xay_dung", _("Land administration and construction")
    FINANCE_ACCOUNTING = "tai_chinh_ke_toan", _("Finance and accounting")
    JUSTICE_CIVIL_STATUS = "tu_phap_ho_tich", _("Justice and civil status")
    CULTURE_SOCIETY = "van_hoa_xa_hoi", _("Culture and society")
    MILITARY_COMMANDER = "chi_huy_truong_quan_su", _("Military commander")
    POLICE_CHIEF = "truong_cong_an", _("Police chief")
    CLERK = "van_thu", _("Records clerk")
    SPECIALIST = "chuyen_vien", _("Specialist")
    OTHER = "khac", _("Other")
    # From 1/7/2025 (NĐ 150/2025, NĐ 118/2025).
    OFFICE_CHIEF = "vp_chanh_van_phong", _("Chief of the People's Council and Committee Office")
    OFFICE_GENERAL = "vp_tong_hop", _("General affairs and records (Office)")
    OFFICE_JUSTICE = "vp_tu_phap", _("Justice and civil status (Office)")
    ECONOMY_HEAD = "kt_truong_phong", _("Head of the Economic Department")
    ECONOMY_FINANCE = "kt_tai_chinh", _("Finance and planning (Economic Department)")
    ECONOMY_AGRICULTURE = (
        "kt_nong_nghiep_moi_truong",
        _("Agriculture, land and environment (Economic Department)"),
    )
    ECONOMY_CONSTRUCTION = (
        "kt_xay_dung_ha_tang",
        _("Construction, infrastructure and trade (Economic Department)"),
    )
    SOCIETY_HEAD = "vhxh_truong_phong", _("Head of the Culture and Society Department")
    SOCIETY_HOME_AFFAIRS = "vhxh_noi_vu", _("Home affairs (Culture and Society Department)")
    SOCIETY_CULTURE = (
        "vhxh_van_hoa",
        _("Culture, information and education (Culture and Society Department)"),
    )
    SOCIETY_WELFARE = (
        "vhxh_y_te_xa_hoi",
        _("Health, labour and social protection (Culture and Society Department)"),
    )
    SERVICE_CENTRE_HEAD = "hcc_giam_doc", _("Director of the Public Administration Service Centre")
    SERVICE_CENTRE_STAFF = (
        "hcc_cong_chuc",
        _("Civil servant of the Public Administration Service Centre"),
    )
    # Of a province: the Director of its Sở Nội vụ, who signs the department's Giấy khen
    # (Luật Thi đua, khen thưởng 2022, Điều 75; NĐ 152/2025) and the province's report.
    HOME_AFFAIRS_DIRECTOR = "snv_giam_doc", _("Director of the Department of Home Affairs")


# Posts that are no longer commune civil servants, with the text that ended them: the
# commune police chief is an officer of the regular police under Nghị định 33/2023/NĐ-CP
# (in force 1/8/2023). Kept for campaigns of earlier years.
OBSOLETE_POSITIONS: dict[str, str] = {
    Position.POLICE_CHIEF: "Nghị định 33/2023/NĐ-CP (01/8/2023)",
}

LEADER_POSITIONS = (Position.CHAIRMAN, Position.VICE_CHAIRMAN)
# Who may hold a signing certificate of the exam CA: the leaders, and a province's Director
# of Sở Nội vụ, who signs the department's Giấy khen.
SIGNER_POSITIONS = (*LEADER_POSITIONS, Position.HOME_AFFAIRS_DIRECTOR)
# Civil servants a leader of a commune before 1/7/2025 forwards incoming documents to.
HANDLER_POSITIONS_2020 = (
    Position.OFFICE_STATISTICS,
    Position.LAND_CONSTRUCTION,
    Position.FINANCE_ACCOUNTING,
    Position.JUSTICE_CIVIL_STATUS,
    Position.CULTURE_SOCIETY,
    Position.MILITARY_COMMANDER,
    Position.POLICE_CHIEF,
    Position.CLERK,
)
# Those of a commune from 1/7/2025: the heads and civil servants of its departments and of
# its Trung tâm phục vụ hành chính công.
HANDLER_POSITIONS_2025 = (
    Position.OFFICE_CHIEF,
    Position.OFFICE_GENERAL,
    Position.OFFICE_JUSTICE,
    Position.ECONOMY_HEAD,
    Position.ECONOMY_FINANCE,
    Position.ECONOMY_AGRICULTURE,
    Position.ECONOMY_CONSTRUCTION,
    Position.SOCIETY_HEAD,
    Position.SOCIETY_HOME_AFFAIRS,
    Position.SOCIETY_CULTURE,
    Position.SOCIETY_WELFARE,
    Position.SERVICE_CENTRE_HEAD,
    Position.SERVICE_CENTRE_STAFF,
)
# Civil servants a leader forwards incoming documents to, in either era.
HANDLER_POSITIONS = HANDLER_POSITIONS_2020 + HANDLER_POSITIONS_2025
HANDLER_POSITIONS_BY_ERA: dict[str, tuple[str, ...]] = {
    "2020": HANDLER_POSITIONS_2020,
    "2025": HANDLER_POSITIONS_2025,
}


class Person(models.Model):
    class Gender(models.TextChoices):
        MALE = "nam", _("Male")
        FEMALE = "nu", _("Female")

    full_name = models.CharField(_("full name"), max_length=150)
    gender = models.CharField(_("gender"), max_length=3, choices=Gender.choices)
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="people",
    )
    position = models.CharField(_("position"), max_length=30, choices=Position.choices)
    # Holds the post as acting (quyền, phụ trách), e.g. a Vice-Chairman acting as Chairman.
    acting = models.BooleanField(_("acting (quyền)"), default=False)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    # A portrait for the exam card, stored as the JPEG that `organization.photos` makes of
    # the upload (upright, at most 600x800, no metadata).
    photo = models.FileField(_("photo"), upload_to="people/photos/", blank=True)
    user = models.OneToOneField(
        "organization.User",
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    sort_key = models.CharField(max_length=255, editable=False, db_index=True, default="")
    search_text = models.CharField(max_length=255, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["sort_key", "pk"]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: object, **kwargs: object) -> None:
        self.full_name = nfc(self.full_name)
        self.sort_key = name_sort_key(self.full_name)
        self.search_text = fold(self.full_name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_leader(self) -> bool:
        return self.position in LEADER_POSITIONS


class User(AbstractUser):
    """An account. Its roles, each over a unit and its subtree, are `Membership` rows."""

    @property
    def audit_unit(self) -> AdministrativeUnit | None:
        """An audit entry about an account is filed under the unit of its first role."""
        membership = self.memberships.select_related("unit").first()
        return membership.unit if membership else None

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    must_change_password = models.BooleanField(_("must change password"), default=False)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return self.full_name or self.username

    def save(self, *args: object, **kwargs: object) -> None:
        self.full_name = nfc(self.full_name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Role(models.TextChoices):
    PROVINCE_ADMIN = "province_admin", _("Province admin")
    DISTRICT_ADMIN = "district_admin", _("District admin")
    # The office of a commune's People's Committee running a campaign over its own leaders
    # (from 1/7/2025, when a commune answers to the province directly).
    COMMUNE_ADMIN = "commune_admin", _("Commune admin")
    COUNCIL = "council", _("Emulation council")
    COMMUNE_OFFICER = "commune_officer", _("Commune officer")
    PROCTOR = "proctor", _("Proctor")
    EXAMINEE = "examinee", _("Examinee")


# The levels of unit each role may be held over.
ROLE_UNIT_LEVELS: dict[str, frozenset[int]] = {
    Role.PROVINCE_ADMIN: frozenset({1}),
    Role.DISTRICT_ADMIN: frozenset({2}),
    Role.COMMUNE_ADMIN: frozenset({3}),
    Role.COUNCIL: frozenset({1, 2, 3}),
    Role.COMMUNE_OFFICER: frozenset({3}),
    Role.PROCTOR: frozenset({1, 2, 3}),
    Role.EXAMINEE: frozenset({3}),
}


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} — {self.unit}"
