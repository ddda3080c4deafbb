"""The campaigns app's public pages; kaguaruoo/urls.py includes them at the site's root."""

from django.urls import include, path

app_name = "campaigns"
urlpatterns = [
    path("", include("campaigns.questionnaires.urls")),
]
