from django.urls import path

from sanctuary.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("logged-out/", views.logged_out, name="logged_out"),
    path("second-factor/enrol/", views.enrol, name="enrol"),
    path("second-factor/", views.verify, name="verify"),
    path("recovery-codes/", views.new_recovery_codes, name="recovery_codes"),
    path("", views.home, name="home"),
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/<int:pk>/revoke/", views.revoke_invitation, name="revoke_invitation"),
    path("invitation/<str:token>/", views.accept_invitation, name="accept"),
    path("people/", views.people, name="people"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/active/", views.set_active, name="set_active"),
    path("people/<int:pk>/reset/", views.reset_password, name="reset_password"),
    path("password/", views.change_password, name="change_password"),
]
