from campaigns.core.urls import urlpatterns as core_urls

app_name = "campaigns"

urlpatterns = [*core_urls]
