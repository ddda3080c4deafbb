from django.urls import path

from campaigns.gifts import views

urlpatterns = [
    path("campaigns/<int:pk>/", views.campaign_detail, name="gift_campaign"),
    path("campaigns/<int:pk>/apply/", views.campaign_apply, name="gift_apply"),
    path("gifts/", views.gift_list, name="gift_list"),
    path("gifts/<int:pk>/", views.gift_shipment_detail, name="gift_shipment"),
    path("gifts/<int:pk>/confirm/", views.gift_shipment_confirm, name="gift_confirm"),
    path("gifts/confirm/<str:token>/", views.gift_confirm_link, name="gift_confirm_link"),
]
