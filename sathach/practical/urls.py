from __future__ import annotations

from django.urls import path

from sathach.practical import views

urlpatterns = [
    path("thi/<int:pk>/tep/", views.attempt_files, name="attempt-files"),
    path("thi/<int:pk>/tep/<int:position>/", views.task_file, name="task-file"),
    path("thi/<int:pk>/tep/<int:position>/mau/", views.task_starter, name="task-starter"),
    path(
        "exam-sessions/<int:pk>/attempts/<int:attempt_pk>/practical/",
        views.practical_attempt,
        name="practical-attempt",
    ),
    path(
        "exam-sessions/<int:pk>/attempts/<int:attempt_pk>/practical/<int:position>/override/",
        views.practical_override,
        name="practical-override",
    ),
    path(
        "exam-sessions/<int:pk>/attempts/<int:attempt_pk>/files/<int:upload_pk>/",
        views.practical_upload_file,
        name="practical-upload-file",
    ),
    path(
        "exam-sessions/<int:pk>/attempts/<int:attempt_pk>/files/<int:upload_pk>/pages/",
        views.practical_upload_pages,
        name="practical-upload-pages",
    ),
    path(
        "exam-sessions/<int:pk>/attempts/<int:attempt_pk>/files/<int:upload_pk>/pages/<int:page>.png",
        views.practical_upload_page,
        name="practical-upload-page",
    ),
]
