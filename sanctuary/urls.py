from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

from sanctuary import views

# Every page lives under a language prefix (/ru/, /en/, /uk/): switching language is a plain link,
# so no language cookie is ever set.
urlpatterns = [
    path("", views.root, name="root"),
    *i18n_patterns(
        path("", include("sanctuary.intake.urls")),
        path("mailbox/stay/", include("sanctuary.shelter.seeker_urls")),
        path("staff/", include("sanctuary.accounts.urls")),
        path("staff/audit/", include("sanctuary.accounts.audit_urls")),
        path("staff/routes/", include("sanctuary.routes.urls")),
        path("options/", include("sanctuary.routes.public_urls")),
        path("staff/keys/pending/", include("sanctuary.accounts.keys_urls")),
        path("staff/cases/", include("sanctuary.cases.urls")),
        path("staff/hosts/", include("sanctuary.hosts.urls")),
        path("staff/portal/", include("sanctuary.hosts.portal_urls")),
        path("staff/shelter/", include("sanctuary.shelter.urls")),
        path("staff/figures/", include("sanctuary.stats.staff_urls")),
        path("figures/", include("sanctuary.stats.urls")),
        path("staff/notices/", include("sanctuary.notices.urls")),
        path("", include("sanctuary.referrals.urls")),
    ),
]

handler400 = "sanctuary.views.bad_request"
handler403 = "sanctuary.views.forbidden"
handler404 = "sanctuary.views.not_found"
handler500 = "sanctuary.views.server_error"
