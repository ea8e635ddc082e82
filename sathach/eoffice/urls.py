from __future__ import annotations

from django.urls import path

from sathach.eoffice.views import actions, bank, review, sessions, take

urlpatterns = [
    path("van-ban/", take.my_tasks, name="eoffice-my"),
    path("van-ban/<int:pk>/bat-dau/", take.task_begin, name="eoffice-begin"),
    path("van-ban/<int:pk>/", take.inbox, name="eoffice-inbox"),
    path("van-ban/<int:pk>/vb/<int:position>/", take.document_page, name="eoffice-document"),
    path("van-ban/<int:pk>/vb/<int:position>/pdf/", take.document_pdf, name="eoffice-pdf"),
    path(
        "van-ban/<int:pk>/vb/<int:position>/trang/<int:page>/",
        take.document_page_image,
        name="eoffice-page-image",
    ),
    path("van-ban/<int:pk>/nop-bai/", take.task_finish, name="eoffice-finish"),
    path("van-ban/<int:pk>/hanh-dong/", actions.task_action, name="eoffice-action"),
    path(
        "campaigns/<int:pk>/eoffice/sessions/add/",
        sessions.office_session_add,
        name="eoffice-session-add",
    ),
    path("eoffice-sessions/<int:pk>/", sessions.office_session_console, name="eoffice-session"),
    path(
        "eoffice-sessions/<int:pk>/move/",
        sessions.office_session_move_view,
        name="eoffice-session-move",
    ),
    path(
        "eoffice-sessions/<int:pk>/<str:action>/",
        sessions.office_session_control,
        name="eoffice-session-control",
    ),
    path(
        "eoffice-sessions/<int:pk>/tasks/<int:task_pk>/<str:action>/",
        sessions.office_task_control,
        name="eoffice-task-control",
    ),
    path("van-ban/<int:pk>/ket-qua/", take.task_result, name="eoffice-result"),
    path("campaigns/<int:pk>/eoffice/", review.campaign_tasks, name="eoffice-campaign"),
    path("eoffice-tasks/<int:pk>/", review.task_review, name="eoffice-review"),
    path("eoffice-tasks/<int:pk>/<str:action>/", review.task_run_action, name="eoffice-task-run"),
    path("campaigns/<int:pk>/eoffice/bo-kich-ban/", bank.scenario_set_edit, name="eoffice-set"),
    path("kich-ban/", bank.scenario_list, name="eoffice-scenarios"),
    path("kich-ban/moi/", bank.scenario_create, name="eoffice-scenario-create"),
    path("kich-ban/<int:pk>/", bank.scenario_edit, name="eoffice-scenario-edit"),
    path("kich-ban/<int:pk>/pdf/", bank.scenario_preview, name="eoffice-scenario-preview"),
    path("kich-ban/<int:pk>/su-dung/", bank.scenario_toggle, name="eoffice-scenario-toggle"),
    path("kich-ban/<int:pk>/sao-chep/", bank.scenario_copy_view, name="eoffice-scenario-copy"),
]
