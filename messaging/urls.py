from django.urls import path

from messaging import views

app_name = "messaging"
urlpatterns = [
    path("", views.thread_list, name="thread_list"),
    path("settings/", views.preference_edit, name="preferences"),
    path("inquire/<int:listing_pk>/", views.inquiry_create, name="inquiry_create"),
    path("<int:pk>/", views.thread_detail, name="thread_detail"),
    path("<int:pk>/post/", views.message_create, name="message_create"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path("<int:pk>/deliveries/new/", views.delivery_create, name="delivery_create"),
    path(
        "<int:pk>/deliveries/<int:delivery_pk>/<slug:action>/",
        views.delivery_action,
        name="delivery_action",
    ),
]
