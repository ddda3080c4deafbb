from django.urls import path

from contracts.booking import views
from contracts.changes import views as change_views
from contracts.guides import views as guide_views
from contracts.payments import views as payment_views
from contracts.reviews import views as review_views
from contracts.support import views as support_views

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
    # House Guide
    path(
        "house-guides/<int:listing_pk>/",
        guide_views.house_guide_manage,
        name="house_guide_manage",
    ),
    path(
        "house-guides/<int:listing_pk>/<int:version>/",
        guide_views.house_guide_version,
        name="house_guide_version",
    ),
    path("<int:contract_pk>/house-guide/", guide_views.house_guide_open, name="house_guide_open"),
    # Extensions, cancellation (contracts/changes/) and reviews (contracts/reviews/)
    path("<int:pk>/extensions/new/", change_views.extension_request, name="extension_request"),
    path(
        "<int:pk>/extensions/<int:extension_pk>/",
        change_views.extension_detail,
        name="extension_detail",
    ),
    path(
        "<int:pk>/extensions/<int:extension_pk>/approve/",
        change_views.extension_approve,
        name="extension_approve",
    ),
    path(
        "<int:pk>/extensions/<int:extension_pk>/decline/",
        change_views.extension_decline,
        name="extension_decline",
    ),
    path(
        "<int:pk>/extensions/<int:extension_pk>/withdraw/",
        change_views.extension_withdraw,
        name="extension_withdraw",
    ),
    path("<int:pk>/cancel/", change_views.contract_cancel, name="contract_cancel"),
    path("<int:pk>/review/", review_views.review_write, name="review_write"),
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
    path(
        "payments/test-checkout/<str:session_id>/",
        payment_views.payment_test_checkout,
        name="payment_test_checkout",
    ),
    path("stripe/webhook/", payment_views.stripe_webhook, name="stripe_webhook"),
    path("payouts/", payment_views.payouts, name="payouts"),
    # After-sale support (contracts/support/)
    path(
        "<int:contract_pk>/support/new/",
        support_views.support_request_create,
        name="support_create",
    ),
    path("support/<int:pk>/", support_views.support_request_detail, name="support_detail"),
    path(
        "support/<int:pk>/messages/",
        support_views.support_message_create,
        name="support_message_create",
    ),
    path("support/<int:pk>/close/", support_views.support_request_close, name="support_close"),
    path(
        "support/<int:pk>/files/<int:message_pk>/",
        support_views.support_attachment,
        name="support_file",
    ),
]
