from django.urls import path

app_name = "listings_api"
urlpatterns: list = []
