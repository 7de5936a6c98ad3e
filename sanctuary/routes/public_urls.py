from django.urls import path

from sanctuary.routes import views

app_name = "options"
urlpatterns = [
    path("", views.options_check, name="check"),
]
