from django.urls import path

from listings import views

app_name = "listings"
urlpatterns = [
    path("listings/", views.search, name="search"),
    path("host/listings/", views.host_listings, name="host_list"),
]
