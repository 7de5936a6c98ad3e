from django.urls import path

from sanctuary.routes import views

app_name = "routes"
urlpatterns = [
    path("", views.facts, name="facts"),
    path("countries/", views.countries, name="countries"),
    path("countries/<str:place>/", views.country, name="country"),
    path("facts/<str:fact_id>/", views.fact, name="fact"),
    path("facts/<str:fact_id>/propose/", views.propose, name="propose"),
    path("facts/<str:fact_id>/checked/", views.check_source, name="check_source"),
    path("queue/", views.queue, name="queue"),
    path("proposals/", views.proposals, name="proposals"),
    path("proposals/<int:pk>/", views.proposal, name="proposal"),
    path("proposals/<int:pk>/approve/", views.approve, name="approve"),
    path("proposals/<int:pk>/reject/", views.reject, name="reject"),
]
