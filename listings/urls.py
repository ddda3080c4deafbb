from django.urls import path

from listings import views

app_name = "listings"
urlpatterns = [
    path("listings/", views.search, name="search"),
    path("listings/<int:pk>/", views.detail, name="detail"),
    path("listings/<int:pk>/<slug:slug>/", views.detail, name="detail_slug"),
    path("host/listings/", views.host_listings, name="host_list"),
    path("host/listings/new/", views.host_listing_create, name="host_create"),
    path("host/listings/<int:pk>/edit/", views.host_listing_edit, name="host_edit"),
    path("host/listings/<int:pk>/photos/", views.host_photos, name="host_photos"),
    path(
        "host/listings/<int:pk>/photos/<int:photo_pk>/<str:action>/",
        views.host_photo_action,
        name="host_photo_action",
    ),
    path("host/listings/<int:pk>/<str:action>/", views.host_listing_action, name="host_action"),
]
