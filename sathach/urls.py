from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from sathach.core import views as core_views
from sathach.organization.views import site as site_views
from sathach.reports import urls as reports_urls

urlpatterns = [
    path("", site_views.home, name="home"),
    path("accounts/", include("sathach.organization.urls_auth")),
    path("", include("sathach.organization.urls")),
    path("campaigns/", include("sathach.campaigns.urls")),
    path("reports/", include("sathach.reports.urls")),
    path("dashboards/", include(reports_urls.dashboard_urlpatterns)),
    path("", include("sathach.practical.urls")),
    path("", include(reports_urls.session_paper_urlpatterns)),
    # Before the exams' and e-office's: their `<pk>/<action>/` controls would take the
    # session pages' addresses.
    path("", include("sathach.notices.urls")),
    path("", include("sathach.exams.urls")),
    path("", include("sathach.signatures.urls")),
    path("", include("sathach.eoffice.urls")),
    path("audit/", site_views.audit_list, name="audit-list"),
    path("jobs/<int:pk>/", site_views.job_detail, name="job-detail"),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("healthz", core_views.healthz, name="healthz"),
    path("tep/<str:token>", core_views.stored_file, name="stored-file"),
    path("admin/", admin.site.urls),
]

handler403 = "sathach.core.views.forbidden"
handler404 = "sathach.core.views.not_found"
handler500 = "sathach.core.views.server_error"
