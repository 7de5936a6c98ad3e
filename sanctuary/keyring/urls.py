from django.urls import path

from sanctuary.keyring import views

app_name = "keyring"
urlpatterns = [
    path("", views.pending, name="pending"),
    path("<int:pk>/grant/", views.fulfil, name="fulfil"),
]
