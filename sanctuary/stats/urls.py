from django.urls import path

from sanctuary.stats import views

app_name = "figures"
urlpatterns = [
    path("", views.index, name="index"),
    path("method/", views.method, name="method"),
    path("<int:number>/", views.release, name="release"),
    path("<int:number>/figures.csv", views.release_csv, name="csv"),
    path("<int:number>/figures.json", views.release_json, name="json"),
]
