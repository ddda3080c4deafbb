from importlib import import_module

from django.apps import AppConfig

# Each sub-package registers what it shows (contract page sections) when its
# modules load; they load here, once, as Django loads admin modules.
SUB_PACKAGES = ("booking", "payments", "guides", "changes", "reviews", "support")


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = "Contracts"

    def ready(self):
        from contracts.booking import views as booking_views
        from contracts.booking.services import contract_dates_book, contract_is_signed_for_thread
        from contracts.core.hooks import contract_signed_register
        from contracts.guides.views import house_guide_thread_card
        from contracts.payments.services import payments_create
        from messaging import extensions

        for package in SUB_PACKAGES:
            import_module(f"contracts.{package}.services")
            import_module(f"contracts.{package}.views")
        # At signing, in this order: the nights are booked, then the payments created.
        contract_signed_register(contract_dates_book)
        contract_signed_register(payments_create)
        extensions.contact_unmask_register(contract_is_signed_for_thread)
        extensions.thread_section_register(booking_views.contract_card)
        extensions.thread_section_register(house_guide_thread_card)
