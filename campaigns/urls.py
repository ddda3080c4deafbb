from django.urls import include, path

app_name = "campaigns"

urlpatterns = [
    path("", include("campaigns.gifts.urls")),
]
