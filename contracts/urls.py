from django.urls import path

from contracts import payment_views, views

app_name = "contracts"
urlpatterns = [
    path("", views.contract_list, name="contract_list"),
    path("apply/<int:listing_pk>/", views.reservation_create, name="reservation_create"),
    path("requests/<int:pk>/accept/", views.reservation_accept, name="reservation_accept"),
    path("requests/<int:pk>/decline/", views.reservation_decline, name="reservation_decline"),
    path("requests/<int:pk>/withdraw/", views.reservation_withdraw, name="reservation_withdraw"),
    path("<int:pk>/", views.contract_detail, name="contract_detail"),
    path("<int:pk>/agree/", views.contract_agree, name="contract_agree"),
    path("<int:pk>/sign/", views.contract_sign, name="contract_sign"),
    path("<int:pk>/decline/", views.contract_decline, name="contract_decline"),
    path("<int:pk>/withdraw/", views.contract_withdraw, name="contract_withdraw"),
    # Payments
    path(
        "<int:contract_pk>/payments/<int:payment_pk>/checkout/",
        payment_views.payment_checkout,
        name="payment_checkout",
    ),
    path(
        "<int:contract_pk>/payments/<int:payment_pk>/checkout/return/",
        payment_views.payment_checkout_return,
        name="payment_checkout_return",
    ),
    path("stripe/webhook/", payment_views.stripe_webhook, name="stripe_webhook"),
    path("payouts/", payment_views.payouts, name="payouts"),
]
