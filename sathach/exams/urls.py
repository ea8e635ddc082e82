from __future__ import annotations

from django.urls import path

from sathach.exams.views import bank, sessions, take
from sathach.practical import views_bank

urlpatterns = [
    path("thi/", take.my_tests, name="my-tests"),
    path("thi/<int:pk>/bat-dau/", take.attempt_begin, name="attempt-begin"),
    path("thi/<int:pk>/", take.attempt_page, name="attempt"),
    path("thi/<int:pk>/luu/", take.attempt_save, name="attempt-save"),
    path("thi/<int:pk>/nop-bai/", take.attempt_finish, name="attempt-finish"),
    path("thi/<int:pk>/ket-qua/", take.attempt_review, name="attempt-review"),
    path("campaigns/<int:pk>/exam/", sessions.exam_overview, name="exam-overview"),
    path("campaigns/<int:pk>/exam/blueprint/", sessions.blueprint_edit, name="blueprint-edit"),
    path("campaigns/<int:pk>/exam/sessions/add/", sessions.session_add, name="session-add"),
    path("exam-sessions/<int:pk>/", sessions.session_console_view, name="session-console"),
    path(
        "exam-sessions/<int:pk>/statistics/",
        sessions.session_statistics_view,
        name="session-statistics",
    ),
    path("exam-sessions/<int:pk>/regrade/", sessions.session_regrade, name="session-regrade"),
    path(
        "exam-sessions/<int:pk>/the-du-kiem-tra.pdf", sessions.session_cards, name="session-cards"
    ),
    path(
        "exam-sessions/<int:pk>/the-du-kiem-tra-mat-khau.pdf",
        sessions.session_cards_issue,
        name="session-cards-issue",
    ),
    path("exam-sessions/<int:pk>/move/", sessions.session_move, name="session-move"),
    path(
        "exam-sessions/<int:pk>/statistics/compute/",
        sessions.session_statistics_compute,
        name="session-statistics-compute",
    ),
    path(
        "exam-sessions/<int:pk>/<str:action>/",
        sessions.session_control,
        name="session-control",
    ),
    path(
        "exam-sessions/<int:pk>/attempts/<int:attempt_pk>/<str:action>/",
        sessions.attempt_control,
        name="attempt-control",
    ),
    path("questions/", bank.question_list, name="question-list"),
    path("questions/<int:pk>/", bank.question_detail, name="question-detail"),
    path("questions/<int:pk>/edit/", bank.question_edit, name="question-edit"),
    path("questions/<int:pk>/toggle/", bank.question_toggle, name="question-toggle"),
    path("questions/import/", bank.question_import, name="question-import"),
    path("questions/import/confirm/", bank.question_import_confirm, name="question-import-confirm"),
    path("questions/export/", bank.question_export, name="question-export"),
    path("questions/template/", views_bank.question_template, name="question-template"),
    path("questions/practical/add/", views_bank.task_add, name="task-add"),
    path("questions/<int:pk>/practical/", views_bank.task_edit, name="task-edit"),
    path("questions/<int:pk>/starter/", views_bank.task_starter, name="task-starter-author"),
    path("questions/banks/<int:pk>/share/", bank.bank_share, name="bank-share"),
    path("questions/banks/<int:pk>/copy/", bank.bank_copy_view, name="bank-copy"),
]
