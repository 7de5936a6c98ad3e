from django.urls import path

from sanctuary.accounts import audit_log

# The namespace keeps the log's name: the page moved from the audit app, its address did not.
app_name = "audit"
urlpatterns = [
    path("", audit_log.log, name="log"),
]
