from django.urls import path

from sanctuary.intake import staff_views

app_name = "intake_staff"
urlpatterns = [
    path("", staff_views.case_list, name="cases"),
    path("<uuid:pk>/", staff_views.case_detail, name="case"),
    path("<uuid:pk>/reply/", staff_views.reply, name="reply"),
]
