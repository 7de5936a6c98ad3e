from django.urls import path

from sanctuary.stats import views

app_name = "staff_figures"
urlpatterns = [
    path("", views.staff_index, name="index"),
    path("<int:pk>/", views.preview, name="preview"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/discard/", views.discard, name="discard"),
]
