from __future__ import annotations

from django.urls import path

from sathach.notices import views, views_session

urlpatterns = [
    path("campaigns/<int:pk>/thong-bao/", views.notice_list, name="notice-list"),
    path(
        "campaigns/<int:pk>/thong-bao/ca/<int:session_pk>/",
        views.notice_session_send,
        name="notice-session-send",
    ),
    path(
        "campaigns/<int:pk>/thong-bao/ca-vpdt/<int:session_pk>/",
        views.notice_office_session_send,
        name="notice-office-session-send",
    ),
    path("thong-bao/<int:pk>/gui-lai/", views.notice_resend, name="notice-resend"),
    path("exam-sessions/<int:pk>/giay-to/", views_session.session_papers, name="session-papers"),
    path(
        "exam-sessions/<int:pk>/doi-gio/",
        views_session.session_reschedule_view,
        name="session-reschedule",
    ),
    path(
        "eoffice-sessions/<int:pk>/giay-to/",
        views_session.office_session_papers,
        name="eoffice-session-papers",
    ),
    path(
        "eoffice-sessions/<int:pk>/doi-gio/",
        views_session.office_session_reschedule_view,
        name="eoffice-session-reschedule",
    ),
]
