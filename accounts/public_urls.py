from django.urls import path

from accounts import views

app_name = "users"
urlpatterns = [
    path("<int:pk>/", views.public_profile, name="detail"),
]
