from django.urls import path

from sanctuary.intake import codename, views

app_name = "intake"
urlpatterns = [
    path("", views.landing, name="landing"),
    path("help/", views.start, name="start"),
    path("help/codename/", codename.confirm, name="confirm"),
    path("return/", views.sign_in, name="sign_in"),
    path("mailbox/", views.mailbox, name="mailbox"),
    path("mailbox/file/<uuid:pk>/", views.attachment, name="attachment"),
    path("mailbox/check-in/<uuid:pk>/", views.confirm_check_in, name="check_in"),
    path("mailbox/situation/", views.update_situation, name="update"),
    path("mailbox/delete/", views.delete_case, name="delete"),
    path("mailbox/leave/", views.leave, name="leave"),
    path("exit/", views.quick_exit, name="exit"),
]
