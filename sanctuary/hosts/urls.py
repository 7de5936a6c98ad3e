from django.urls import path

from sanctuary.hosts import views

app_name = "hosts"
urlpatterns = [
    path("", views.host_list, name="list"),
    path("invite/", views.invite, name="invite"),
    path("import/", views.import_offers, name="import"),
    path("import/offers.csv", views.import_template, name="import_template"),
    path("<uuid:pk>/", views.host_page, name="host"),
    path("<uuid:pk>/vetting/", views.vet, name="vet"),
    path("<uuid:pk>/active/", views.set_active, name="active"),
    path("<uuid:pk>/invitation/", views.new_invitation, name="invitation"),
    path("<uuid:pk>/offers/new/", views.offer_new, name="offer_new"),
    path("<uuid:pk>/offers/<uuid:offer_pk>/", views.offer_edit, name="offer_edit"),
    path(
        "<uuid:pk>/offers/<uuid:offer_pk>/withdraw/",
        views.offer_withdraw,
        name="offer_withdraw",
    ),
]
