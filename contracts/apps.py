from importlib import import_module

from django.apps import AppConfig

# Each sub-package registers what it shows (contract page sections) when its
# modules load; they load here, once, as Django loads admin modules.
SUB_PACKAGES = ("booking", "payments", "guides", "changes", "reviews", "support")


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = "Contracts"

    def ready(self):
        from contracts.booking import thread_sections
        from contracts.booking.services import contract_is_signed_for_thread
        from messaging import extensions

        for package in SUB_PACKAGES:
            import_module(f"contracts.{package}.services")
            import_module(f"contracts.{package}.views")
        extensions.contact_unmask_register(contract_is_signed_for_thread)
        extensions.thread_section_register(thread_sections.contract_card)
        extensions.thread_section_register(thread_sections.house_guide_card)
