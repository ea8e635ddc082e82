from __future__ import annotations

from django.urls import path

from sathach.organization.views import accounts, merger, people, transfer, units

urlpatterns = [
    path("units/", units.unit_list, name="unit-list"),
    path("units/new/", units.unit_create_view, name="unit-create"),
    path("units/<int:pk>/", units.unit_detail, name="unit-detail"),
    path("units/<int:pk>/edit/", units.unit_edit, name="unit-edit"),
    path("units/migrate-2025/", merger.units_migrate_2025_view, name="units-migrate-2025"),
    path("units/import/", transfer.unit_import, name="unit-import"),
    path("units/template.xlsx", transfer.unit_template, name="unit-template"),
    path("units/export.xlsx", transfer.unit_export, name="unit-export"),
    path("people/", people.person_list, name="person-list"),
    path("people/new/", people.person_create_view, name="person-create"),
    path("people/<int:pk>/edit/", people.person_edit, name="person-edit"),
    path("people/<int:pk>/photo.jpg", people.person_photo, name="person-photo"),
    path("people/import/", transfer.person_import, name="person-import"),
    path("people/template.xlsx", transfer.person_template, name="person-template"),
    path("people/export.xlsx", transfer.person_export, name="person-export"),
    path("accounts/list/", accounts.account_list, name="account-list"),
    path("accounts/lockouts/", accounts.account_lockouts, name="account-lockouts"),
    path("accounts/<int:pk>/unlock/", accounts.account_unlock_view, name="account-unlock"),
    path("accounts/new/", accounts.account_create_view, name="account-create"),
    path("accounts/<int:pk>/", accounts.account_detail, name="account-detail"),
    path(
        "units/<int:pk>/examinee-credentials/",
        accounts.examinee_credentials,
        name="examinee-credentials",
    ),
]
