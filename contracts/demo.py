"""Demo contracts (DESIGN.md, "Demo data").

- Alex: a signed contract on Hana's Shibuya listing, whose House Guide is a PDF;
  the first payment arrived by bank transfer and staff matched it.
- Mei: a contract on the same listing for the months after Alex's stay, waiting
  for her "Agree", and an open reservation request on a listing of Sakura's.
- Sam: nothing.

Everything goes through the services, as users would do it. A later run leaves
what exists alone and repairs only what the demo users changed: when Alex has no
signed contract (he cancelled) he gets a new one, and when Mei has no contract
waiting (she signed, declined, or the host withdrew it) she is sent a new one, each
for the first free dates, so the rule that no two stays overlap always holds.
"""

import datetime
from dataclasses import replace
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from contracts.booking import services
from contracts.guides import services as guides
from contracts.models import CommissionRate, Contract, ReservationRequest
from contracts.payments import services as payments
from listings.demo import HOSTS, shibuya_listing
from listings.models import Listing
from messaging.models import Thread
from messaging.services import message_post

DEMO_TENANT_PERCENT = Decimal("5.00")
DEMO_HOST_PERCENT = Decimal("10.00")

GUIDE_LINES = [
    "House Guide - Sunny Shibuya apartment",
    "Keys: the key box is left of the entrance; the code is sent in the thread.",
    "Rubbish: burnable on Monday and Thursday, plastics on Wednesday, by 8:30.",
    "Wi-Fi: the network name and password are on the router in the closet.",
    "Quiet hours: 22:00 to 7:00. No shoes inside, please.",
    "Emergency: 110 police, 119 fire and ambulance.",
]


def house_guide_pdf() -> bytes:
    """A one-page PDF of the demo House Guide, built by hand (no PDF library needed)."""
    text = "BT /F1 12 Tf 56 780 Td 16 TL " + " ".join(
        "({}) '".format(line.replace("(", "[").replace(")", "]")) for line in GUIDE_LINES
    )
    stream = f"{text} ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return body


def _commission_rate(staff: User | None) -> None:
    if not CommissionRate.objects.exists():
        CommissionRate.objects.create(
            tenant_percent=DEMO_TENANT_PERCENT,
            host_percent=DEMO_HOST_PERCENT,
            effective_from=timezone.now() - datetime.timedelta(days=365),
            set_by=staff,
        )


def _house_guide(listing: Listing) -> None:
    if not guides.house_guide_current(listing=listing):
        guides.house_guide_upload(
            listing=listing,
            by=listing.host,
            file=SimpleUploadedFile(
                "house-guide-shibuya.pdf", house_guide_pdf(), content_type="application/pdf"
            ),
        )


def _contract_sent(thread: Thread, stay: services.Stay, *, message: str, note: str) -> Contract:
    """The thread's tenant asks for `stay`; the host sends the contract and says so there."""
    request = services.reservation_request_create(
        tenant=thread.tenant,
        listing=thread.listing,
        stay=stay,
        message=message,
        agreed=True,
        contract_sharing=True,
    )
    contract = services.contract_send(reservation=request, by=thread.listing.host)
    message_post(thread=thread, sender=thread.listing.host, body=note, notify=False)
    return contract


def free_stay(
    listing: Listing, *, earliest: datetime.date, months: int, people: int
) -> services.Stay:
    """The first stay from `earliest` on that no signed or held contract overlaps."""
    stay = services.Stay(
        move_in=max(earliest, listing.available_from, timezone.localdate()),
        months=max(listing.min_months, min(months, listing.max_months)),
        people=min(people, listing.max_occupants),
    )
    while services.dates_taken(listing=listing, start=stay.move_in, end=stay.move_out):
        live = Q(status=Contract.Status.SIGNED) | Q(
            status=Contract.Status.SENT, expires_at__gt=timezone.now()
        )
        blocking = (
            Contract.objects.filter(
                live, listing=listing, start_date__lt=stay.move_out, end_date__gt=stay.move_in
            )
            .order_by("-end_date")
            .first()
        )
        stay = replace(stay, move_in=blocking.end_date)
    return stay


def _signed_contract_for_alex(listing: Listing, alex: User) -> Contract | None:
    signed = Contract.objects.filter(listing=listing, tenant=alex, status=Contract.Status.SIGNED)
    if signed.exists():
        return signed.order_by("-end_date").first()
    thread = Thread.objects.filter(listing=listing, tenant=alex).first()
    if thread is None:
        return None
    contract = _contract_sent(
        thread,
        free_stay(listing, earliest=thread.move_in, months=thread.months, people=1),
        message="I would like to take the flat for three months, as we discussed.",
        note="The contract is in; the House Guide appears here once you sign.",
    )
    code = services.signing_code_issue(contract=contract, user=alex)
    services.contract_sign(
        contract=contract, user=alex, code=code, ip="203.0.113.10", user_agent="Demo data"
    )
    staff = User.objects.filter(email="staff@example.com", is_active=True).first()
    if staff is not None:
        payments.payment_bank_transfer_record(
            payment=contract.payments.get(sequence=1), reference="MORGAN ALEX 0001", by=staff
        )
    return contract


def _waiting_contract_for_mei(listing: Listing, mei: User, after: Contract | None) -> None:
    """A contract within its 72-hour hold; a later run sends a new one once it is gone.

    Gone: expired, declined, withdrawn by the host, or signed (then it stays signed,
    and the new one is for the first free dates after it).
    """
    services.contracts_expire()
    if Contract.objects.filter(listing=listing, tenant=mei, status=Contract.Status.SENT).exists():
        return
    thread = Thread.objects.filter(listing=listing, tenant=mei).first()
    if thread is None:
        return
    earliest = after.end_date if after else thread.move_in
    _contract_sent(
        thread,
        free_stay(listing, earliest=earliest, months=listing.min_months, people=1),
        message="Could I take it right after the current tenant leaves?",
        note="Yes! I sent you the contract; please read it and click Agree.",
    )


def _listing_for_mei_request(shibuya: Listing) -> Listing | None:
    """A published listing of Sakura's; of another demo host if Sakura has none."""
    published = Listing.objects.filter(status=Listing.Status.PUBLISHED).order_by("pk")
    return (
        published.filter(host__email="sakura.host@example.com").first()
        or published.filter(host__email__in=HOSTS).exclude(pk=shibuya.pk).first()
    )


def _open_request_for_mei(mei: User, shibuya: Listing) -> None:
    if ReservationRequest.objects.filter(
        tenant=mei, status=ReservationRequest.Status.OPEN
    ).exists():
        return
    listing = _listing_for_mei_request(shibuya)
    if listing is None:
        return
    services.reservation_request_create(
        tenant=mei,
        listing=listing,
        stay=free_stay(
            listing,
            earliest=timezone.localdate() + datetime.timedelta(days=45),
            months=listing.min_months,
            people=2,
        ),
        message="Hello, my sister and I would like to rent this apartment. Is it still free?",
        agreed=True,
        contract_sharing=True,
    )


def load() -> int:
    """Create the demo contracts, or repair them (see above). Returns how many exist."""
    listing = shibuya_listing()
    if listing is None:
        return 0
    alex = User.objects.get(email="alex.tenant@example.com")
    mei = User.objects.get(email="mei.tenant@example.com")
    _commission_rate(User.objects.filter(email="staff@example.com").first())
    _house_guide(listing)
    contract = _signed_contract_for_alex(listing, alex)
    _waiting_contract_for_mei(listing, mei, after=contract)
    _open_request_for_mei(mei, listing)
    return Contract.objects.count()
