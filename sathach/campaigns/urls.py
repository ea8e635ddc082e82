from __future__ import annotations

from django.urls import path

from sathach.campaigns.views import (
    appeals,
    campaigns,
    ranking,
    readiness,
    results,
    roster,
    rules,
)

urlpatterns = [
    path("", campaigns.campaign_list, name="campaign-list"),
    path("new/", campaigns.campaign_create_view, name="campaign-create"),
    path("<int:pk>/", campaigns.campaign_detail, name="campaign-detail"),
    path("<int:pk>/edit/", campaigns.campaign_edit, name="campaign-edit"),
    path("<int:pk>/copy/", campaigns.campaign_copy_view, name="campaign-copy"),
    path("<int:pk>/status/", campaigns.campaign_status, name="campaign-status"),
    path("<int:pk>/pass-rules/", rules.campaign_rules, name="campaign-rules"),
    path("<int:pk>/roster/", roster.campaign_roster, name="campaign-roster"),
    path("<int:pk>/appeals/", appeals.campaign_appeals, name="campaign-appeals"),
    path(
        "<int:pk>/appeals/<int:appeal_pk>/decide/",
        appeals.appeal_decision,
        name="appeal-decide",
    ),
    path("my-appeals/", appeals.my_appeals, name="my-appeals"),
    path("<int:pk>/readiness/", readiness.readiness_overview, name="readiness"),
    path("<int:pk>/readiness/<int:unit_pk>/", readiness.unit_readiness, name="unit-readiness"),
    path("<int:pk>/devices/<int:person_pk>/add/", readiness.device_add, name="device-add"),
    path(
        "<int:pk>/readiness/<int:unit_pk>/items/<int:item_pk>/declare/",
        readiness.facility_declare_view,
        name="facility-declare",
    ),
    path(
        "<int:pk>/declarations/<int:declaration_pk>/review/",
        readiness.facility_review_view,
        name="facility-review",
    ),
    path(
        "<int:pk>/evidence/<int:evidence_pk>/",
        readiness.evidence_download,
        name="evidence-download",
    ),
    path("<int:pk>/facilities/", readiness.facility_items, name="facility-items"),
    path("<int:pk>/results/", results.result_list, name="result-list"),
    path(
        "<int:pk>/results/<int:person_pk>/change/",
        results.result_override_view,
        name="result-override",
    ),
    path("<int:pk>/results/import/", results.result_import, name="result-import"),
    path("<int:pk>/results/template.xlsx", results.result_template, name="result-template"),
    path("<int:pk>/ranking/", ranking.ranking, name="ranking"),
    path("<int:pk>/ranking/approve/", ranking.ranking_approve_view, name="ranking-approve"),
    path("<int:pk>/awards/", ranking.awards_grant_view, name="awards-grant"),
]
