from django.urls import path

from sanctuary.notices import views

app_name = "notices"
urlpatterns = [
    path("", views.notices, name="list"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/channel/", views.add_channel, name="add_channel"),
    path("settings/channel/<int:pk>/remove/", views.remove_channel, name="remove_channel"),
]
