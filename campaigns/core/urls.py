from django.urls import path

from campaigns.core import views

urlpatterns = [
    path("t/<str:token>/", views.track, name="track"),
    path("t/<str:token>/open.gif", views.beacon, name="beacon"),
    path("u/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
