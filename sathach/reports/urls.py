from __future__ import annotations

from django.urls import path

from sathach.reports.views import awards, dashboard, exports, province, rounds, session_papers

urlpatterns = [
    path("", exports.report_list, name="report-list"),
    path("<int:pk>/", exports.campaign_reports, name="report-campaign"),
    path("<int:pk>/giay-khen/", awards.certificates, name="report-certificates"),
    path(
        "<int:pk>/giay-khen/jobs/<int:job_pk>/",
        awards.certificates_job,
        name="report-certificates-job",
    ),
    path(
        "<int:pk>/giay-khen/jobs/<int:job_pk>/zip",
        awards.certificates_zip,
        name="report-certificates-zip",
    ),
    path(
        "<int:pk>/giay-khen/<int:file_pk>.pdf",
        awards.certificate_pdf,
        name="report-certificate-pdf",
    ),
    path(
        "<int:pk>/<slug:identifier>.<slug:fmt>",
        exports.report_download,
        name="report-download",
    ),
]

# Served under /dashboards/ (sathach/urls.py): every campaign reader has them, not only
# those who export reports.
dashboard_urlpatterns = [
    path("", dashboard.dashboard_list, name="dashboard-list"),
    path("<int:pk>/", dashboard.campaign_dashboard, name="dashboard"),
    path("toan-tinh/", province.province_list, name="province-list"),
    path("toan-tinh/<int:pk>/", province.province_dashboard, name="province-dashboard"),
    path("toan-tinh/<int:pk>/xa.xlsx", province.province_export, name="province-export"),
    path("<int:pk>/rounds/", rounds.rounds_compare, name="rounds-compare"),
]

# Served at the root (sathach/urls.py), beside the session's console.
session_paper_urlpatterns = [
    path(
        "exam-sessions/<int:pk>/danh-sach-ky-nhan.<str:fmt>",
        session_papers.session_attendance,
        name="session-attendance",
    ),
    path(
        "exam-sessions/<int:pk>/bien-ban.<str:fmt>",
        session_papers.session_minutes,
        name="session-minutes",
    ),
]
