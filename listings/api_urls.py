from django.urls import path

from listings import api

app_name = "listings_api"
urlpatterns = [
    path("postal-codes/<str:code>", api.postal_code_addresses, name="postal_code"),
    path("stations/", api.station_search, name="stations"),
]
