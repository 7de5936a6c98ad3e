"""The guest's own pages of his stay, reached from his mailbox (intake's "Your stay" section)."""

from django.urls import path

from sanctuary.shelter import views

app_name = "stay"
urlpatterns = [
    path("<uuid:pk>/safe/", views.seeker_safe, name="safe"),
    path("<uuid:pk>/report/", views.seeker_report, name="report"),
]
