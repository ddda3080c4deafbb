"""The campaigns app's public pages; kaguaruoo/urls.py includes them at the site's root."""

from django.urls import include, path

from campaigns.core.urls import urlpatterns as core_urls

app_name = "campaigns"

urlpatterns = [
    *core_urls,
    path("", include("campaigns.questionnaires.urls")),
    path("", include("campaigns.gifts.urls")),
]
