from django.urls import path

from sanctuary.shelter import views

app_name = "shelter"
urlpatterns = [
    path("", views.plan, name="plan"),
    path("run/", views.run_matcher, name="run"),
    path("approve/", views.approve, name="approve"),
    path("override/", views.add_override, name="override"),
    path("host/", views.host_home, name="host"),
    path("host/proposal/<uuid:pk>/accept/", views.host_accept, name="host_accept"),
    path("host/proposal/<uuid:pk>/decline/", views.host_decline, name="host_decline"),
    path(
        "host/stay/<uuid:pk>/check-in/",
        views.host_stay_action,
        {"action": "check-in"},
        name="host_check_in",
    ),
    path(
        "host/stay/<uuid:pk>/check-out/",
        views.host_stay_action,
        {"action": "check-out"},
        name="host_check_out",
    ),
    path("host/stay/<uuid:pk>/safe/", views.host_stay_action, {"action": "safe"}, name="host_safe"),
    path("host/stay/<uuid:pk>/report/", views.host_report, name="host_report"),
    path("case/<uuid:pk>/request/", views.create_request, name="request"),
    path(
        "case/<uuid:pk>/request/<uuid:request_pk>/guest-declines/",
        views.guest_declines,
        name="guest_declines",
    ),
    path(
        "case/<uuid:pk>/request/<uuid:request_pk>/cancel/",
        views.cancel_request,
        name="cancel_request",
    ),
]
