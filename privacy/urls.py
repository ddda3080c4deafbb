from django.urls import path

from privacy import views

app_name = "privacy"
urlpatterns = [
    path("", views.policy, name="policy"),
    path("v/<int:version>/", views.policy_version, name="policy_version"),
    path("acknowledge/", views.policy_acknowledge_view, name="policy_acknowledge"),
]
urlpatterns += [
    path("me/", views.privacy_me, name="me"),
    path("me/data.json", views.privacy_me_download, name="me_download"),
]
urlpatterns += [
    path("requests/new/", views.privacy_request_new, name="request_new"),
    path("archives/<str:token>/", views.archive_download, name="archive_download"),
]
urlpatterns += [
    path("me/identity/", views.identity_document_upload, name="identity_upload"),
    path(
        "identity/<int:pk>/document/", views.identity_document_for_officer, name="identity_document"
    ),
]
urlpatterns += [
    path("cookies/", views.cookie_choice, name="cookie_choice"),
    path("beacon.gif", views.beacon, name="beacon"),
]
urlpatterns += [
    path("anonymised-data/", views.anonymised_data, name="anonymised_data"),
    path("staff/anonymised-export.csv", views.anonymised_export, name="anonymised_export"),
]
