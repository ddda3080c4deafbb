"""What the contracts app holds about a person (see privacy/registry.py).

- reservation requests a tenant sent;
- contracts: the terms snapshot names both parties (legal name, e-mail, phone)
  and the signature records the tenant's IP and browser;
- one-time signing codes (hashes only);
- payments and their references;
- extension requests, reviews written, support requests and their messages;
- who opened a House Guide, and House Guide files a host uploaded.

Contracts and payments are books of account: Japanese tax law keeps transaction
records for seven years (Corporation Tax Act art. 126 with its Enforcement
Regulations art. 59), so a deletion request keeps them until then. House
Guides are deleted with their host: they hold key procedures.
"""

import dataclasses

from contracts.models import (
    CommissionRate,
    Contract,
    ContractEvent,
    ExtensionRequest,
    HouseGuide,
    HouseGuideView,
    Payment,
    ReservationRequest,
    Review,
    SigningCode,
    SupportMessage,
    SupportRequest,
)
from privacy.registry import Erase, PersonalData, Retention, register

BOOKS_OF_ACCOUNT = Retention(
    law="Corporation Tax Act art. 126 and its Enforcement Regulations art. 59",
    reason="contracts and payments are transaction records kept for seven years",
    days=7 * 366,
    date_field="end_date",
)

register(
    PersonalData(
        model=ReservationRequest,
        person_field="tenant",
        export_fields=("listing_id", "move_in", "months", "people", "message", "status"),
        erase=Erase.ANONYMISE,
        anonymise={"message": ""},
        other_user_fields={"host": "the host the request went to"},
    )
)

register(
    PersonalData(
        model=Contract,
        person_field="tenant",
        export_fields=(
            "listing_id",
            "status",
            "start_date",
            "end_date",
            "months",
            "people",
            "language",
            "terms_text",
            "terms_sha256",
            "signed_at",
            "signed_ip",
            "signed_user_agent",
            "tenant_total",
        ),
        erase=Erase.KEEP,
        retention=BOOKS_OF_ACCOUNT,
        other_user_fields={
            "host": "the host, the other party of the contract",
            "cancelled_by": "the party who cancelled the contract",
        },
    )
)

register(
    PersonalData(
        model=ContractEvent,
        person_field="actor",
        export_fields=("contract_id", "kind", "detail", "created_at"),
        erase=Erase.ANONYMISE,
        anonymise={"actor": None},
    )
)

register(
    PersonalData(
        model=SigningCode,
        person_field="user",
        export_fields=("contract_id", "created_at", "used_at"),
        erase=Erase.DELETE,
    )
)

register(
    PersonalData(
        model=Payment,
        person_field="contract__tenant",
        export_fields=("contract_id", "sequence", "due_date", "amount", "status", "paid_at"),
        erase=Erase.KEEP,
        retention=dataclasses.replace(BOOKS_OF_ACCOUNT, date_field="due_date"),
        other_user_fields={"reconciled_by": "the staff member who matched a bank transfer"},
    )
)

register(
    PersonalData(
        model=CommissionRate,
        person_field="set_by",
        export_fields=("tenant_percent", "host_percent", "effective_from"),
        erase=Erase.ANONYMISE,
        anonymise={"set_by": None},
    )
)

register(
    PersonalData(
        model=ExtensionRequest,
        person_field="requested_by",
        export_fields=("contract_id", "months", "new_end_date", "message", "status", "reason"),
        erase=Erase.ANONYMISE,
        anonymise={"message": ""},
    )
)

register(
    PersonalData(
        model=Review,
        person_field="author",
        export_fields=("contract_id", "role", "rating", "body", "created_at"),
        erase=Erase.DELETE,
        other_user_fields={"subject": "the party the review is about"},
    )
)

register(
    PersonalData(
        model=SupportRequest,
        person_field="opened_by",
        export_fields=("contract_id", "category", "subject", "status", "created_at"),
        erase=Erase.ANONYMISE,
        anonymise={"subject": "—"},
    )
)

register(
    PersonalData(
        model=SupportMessage,
        # Every message of a request, staff answers included, is written to and about the
        # person who opened it: their export holds the answers, and erasing them empties those.
        person_field="request__opened_by",
        export_fields=("request_id", "from_staff", "body", "original_name", "created_at"),
        file_fields=("file",),
        erase=Erase.ANONYMISE,
        anonymise={"body": "", "file": "", "original_name": ""},
        other_user_fields={"author": "who wrote the message: the person or a staff member"},
    )
)

register(
    PersonalData(
        model=HouseGuide,
        person_field="uploaded_by",
        export_fields=("listing_id", "version", "url", "original_name", "created_at"),
        file_fields=("file",),
        erase=Erase.DELETE,
    )
)

register(
    PersonalData(
        model=HouseGuideView,
        person_field="viewer",
        export_fields=("guide_id", "contract_id", "ip", "viewed_at"),
        erase=Erase.DELETE,
    )
)
