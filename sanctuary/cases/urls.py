from django.urls import path

from sanctuary.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("triage/", views.triage, name="triage"),
    path("tasks/overdue/", views.overdue_tasks, name="overdue"),
    path("<uuid:pk>/", views.case, name="case"),
    path("<uuid:pk>/reply/", views.reply, name="reply"),
    path("<uuid:pk>/note/", views.note, name="note"),
    path("<uuid:pk>/task/", views.add_task, name="task"),
    path("<uuid:pk>/task/<uuid:task_pk>/done/", views.complete_task, name="task_done"),
    path("<uuid:pk>/check-in/", views.add_check_in, name="check_in"),
    path("<uuid:pk>/stage/", views.change_stage, name="stage"),
    path("<uuid:pk>/assign/", views.assign, name="assign"),
    path("<uuid:pk>/detained/", views.detained, name="detained"),
    path(
        "<uuid:pk>/checklist/<int:item_pk>/done/",
        views.tick_checklist_step,
        name="checklist_tick",
    ),
    path("profile/", views.profile, name="profile"),
    path("checklists/", views.checklists, name="checklists"),
    path("checklists/<int:item_pk>/", views.checklist_item, name="checklist_item"),
    path(
        "checklists/<int:item_pk>/remove/",
        views.remove_checklist_item,
        name="checklist_remove",
    ),
]
