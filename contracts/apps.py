from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = "Contracts"

    def ready(self):
        from contracts import thread_sections
        from contracts.services import contract_is_signed_for_thread
        from messaging import extensions

        extensions.contact_unmask_register(contract_is_signed_for_thread)
        extensions.thread_section_register(thread_sections.contract_card)
        extensions.thread_section_register(thread_sections.house_guide_card)
