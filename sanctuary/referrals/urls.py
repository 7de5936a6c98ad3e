from django.urls import path

from sanctuary.referrals import views

app_name = "referrals"
urlpatterns = [
    path("staff/referrals/partners/", views.partners, name="partners"),
    path("staff/referrals/partners/<uuid:pk>/", views.partner, name="partner"),
    path("staff/cases/<uuid:pk>/referrals/new/", views.new_referral, name="new"),
    path(
        "staff/cases/<uuid:pk>/referrals/<uuid:referral_pk>/revoke/",
        views.revoke,
        name="revoke",
    ),
    path("referral/<str:token>/", views.open_referral, name="open"),
]
