from __future__ import annotations

from django.urls import path

from sathach.notices import views

urlpatterns = [
    path("campaigns/<int:pk>/thong-bao/", views.notice_list, name="notice-list"),
    path(
        "campaigns/<int:pk>/thong-bao/ca/<int:session_pk>/",
        views.notice_session_send,
        name="notice-session-send",
    ),
    path("thong-bao/<int:pk>/gui-lai/", views.notice_resend, name="notice-resend"),
]
