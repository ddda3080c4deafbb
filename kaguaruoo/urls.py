from pathlib import Path

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from kaguaruoo import views
from listings import views as listing_views
from privacy.staff_access import staff_admin_login, staff_has_admin_access

admin.site.login = staff_admin_login(admin.site.login)
admin.site.has_permission = staff_has_admin_access
admin.site.site_header = "KaguAruoo staff"
admin.site.site_title = "KaguAruoo staff"
# A database connection lost mid-request answers 503 "try again", not 500.
handler500 = "kaguaruoo.views.server_error"

# A body Django refused to read for its size is a 413, not a 400 (kaguaruoo/uploads.py).
handler400 = "kaguaruoo.uploads.bad_request"

urlpatterns = [
    path("", listing_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("terms/", views.terms, name="terms"),
    # The same addresses in every language, so a shared link works for everyone.
    path("i18n/setlang/", account_views.language_set, name="set_language"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("users/", include("accounts.public_urls")),
    path("", include("listings.urls")),
    path("api/", include("listings.api_urls")),
    path("messages/", include("messaging.urls")),
    path("contracts/", include("contracts.urls")),
    path("privacy/", include("privacy.urls")),
    path("", include("campaigns.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    # Only listing photos are public files. Attachments, identity documents and
    # disclosure archives are served by views that check who asks.
    urlpatterns += static(
        f"{settings.MEDIA_URL}listings/", document_root=Path(settings.MEDIA_ROOT) / "listings"
    )
