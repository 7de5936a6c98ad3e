from django.urls import path

from sanctuary.accounts import keys

# The namespace keeps the pages' names: they moved from the keyring app, their address did not.
app_name = "keyring"
urlpatterns = [
    path("", keys.pending, name="pending"),
    path("<int:pk>/grant/", keys.fulfil, name="fulfil"),
]
