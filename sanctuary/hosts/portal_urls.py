from django.urls import path

from sanctuary.hosts import views

app_name = "portal"
urlpatterns = [
    path("", views.portal, name="home"),
    path("offers/new/", views.portal_offer_new, name="offer_new"),
    path("offers/<uuid:offer_pk>/", views.portal_offer_edit, name="offer_edit"),
    path("offers/<uuid:offer_pk>/withdraw/", views.portal_offer_withdraw, name="offer_withdraw"),
]
