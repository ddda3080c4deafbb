"""Reservation requests, contracts and signatures: every write goes through here.

A tenant sends a reservation request from a listing (it opens the thread if
there is none); the host declines it with a reason or accepts it by sending a
contract into the thread. The contract holds the dates for `HOLD`; the tenant
clicks "Agree", receives a one-time code by mail and signs with it. States move
only through `CONTRACT_TRANSITIONS` and `RESERVATION_TRANSITIONS`. What else
happens at signing (nights booked, payments created) is the hook list of
`contracts.core.hooks`.
"""

import datetime
import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from contracts.booking.selectors import thread_contracts
from contracts.booking.terms import terms_snapshot, terms_text_render
from contracts.core.hooks import contract_signed_run
from contracts.core.schedule import PlannedPayment, plan_totals, schedule_plan
from contracts.core.services import contract_announce, contract_mail_send
from contracts.models import (
    CommissionRate,
    Contract,
    ContractEvent,
    ReservationRequest,
    SigningCode,
)
from kaguaruoo.mail import recipient_language
from kaguaruoo.ratelimit import RateLimited
from kaguaruoo.roles import PARTIES, Role, stay_role
from kaguaruoo.transitions import IllegalTransition, TransitionTable, transition_move
from listings import stays
from listings.models import Listing
from listings.pricing import StayCost, listing_stay_cost, stay_end
from listings.services import listing_dates_book, listing_dates_release
from messaging import selectors as messaging_selectors
from messaging import services as messaging
from messaging.models import Thread
from privacy.models import Consent
from privacy.services import (
    ProvisionRefused,
    consent_record,
    identity_is_verified,
    personal_data_provide,
)

HOLD = datetime.timedelta(hours=72)
CODE_LIFETIME = datetime.timedelta(minutes=15)
CODE_ATTEMPTS = 5
ONE_NIGHT = datetime.timedelta(days=1)

S = Contract.Status
R = ReservationRequest.Status

CONTRACT_TRANSITIONS = TransitionTable.of(
    {
        (S.SENT, S.SIGNED): Role.TENANT,
        (S.SENT, S.DECLINED): Role.TENANT,
        (S.SENT, S.CANCELLED): Role.HOST,
        (S.SENT, S.EXPIRED): Role.SYSTEM,
        (S.SIGNED, S.CANCELLED): PARTIES,
    }
)
RESERVATION_TRANSITIONS = TransitionTable.of(
    {
        (R.OPEN, R.ACCEPTED): Role.HOST,
        (R.OPEN, R.DECLINED): Role.HOST,
        (R.OPEN, R.WITHDRAWN): Role.TENANT,
    }
)


def contract_transition(*, contract: Contract, to: str, by: User | None, **fields) -> Contract:
    """The one way a contract changes state (`by` None: the system).

    A signed contract's nights are booked on the listing (a hook of signing), so
    that search leaves it out for them; they are released when the contract ends early.
    """
    was_signed = contract.status == S.SIGNED
    transition_move(
        obj=contract,
        table=CONTRACT_TRANSITIONS,
        to=to,
        role=stay_role(contract, by),
        updated_at=timezone.now(),
        **fields,
    )
    if was_signed:
        listing_dates_release(reference=_booking_reference(contract))
    return contract


def _booking_reference(contract: Contract) -> str:
    return f"contract:{contract.pk}"


def contract_dates_book(*, contract: Contract) -> None:
    """Book (or move, after an extension) the contract's nights on the listing."""
    listing_dates_book(
        listing_id=contract.listing_id,
        start=contract.start_date,
        end=contract.end_date,
        reference=_booking_reference(contract),
    )


# --- Availability ---------------------------------------------------------------------------


def dates_taken(
    *,
    listing: Listing,
    start: datetime.date,
    end: datetime.date,
    exclude_pk: int | None = None,
) -> bool:
    """Whether a signed contract, or a sent one within its hold, covers a night of [start, end)."""
    live = Q(status=S.SIGNED) | Q(status=S.SENT, expires_at__gt=timezone.now())
    overlapping = Contract.objects.filter(
        live, listing=listing, start_date__lt=end, end_date__gt=start
    )
    if exclude_pk:
        overlapping = overlapping.exclude(pk=exclude_pk)
    return overlapping.exists()


def listing_dates_lock(*, listing_id: int) -> None:
    """Queue the writers of one listing's dates (signing, extending) until the transaction ends.

    The exclusion constraint still decides what is refused; without the queue, two
    overlapping writes that check the constraint at once can deadlock instead.
    """
    Listing.objects.select_for_update().filter(pk=listing_id).values_list("pk").first()


@dataclass(frozen=True)
class Stay:
    move_in: datetime.date
    months: int
    people: int

    @property
    def move_out(self) -> datetime.date:
        return stay_end(self.move_in, self.months) + datetime.timedelta(days=1)


def stay_check(*, listing: Listing, stay: Stay) -> None:
    """Refuse a stay the listing cannot take, naming what is wrong (the rules: listings.stays)."""
    last_night = stay.move_out - ONE_NIGHT
    found = [
        stays.move_in_past_error(stay.move_in) or stays.move_in_horizon_error(stay.move_in),
        stays.available_from_error(listing=listing, move_in=stay.move_in),
        stays.months_error(listing=listing, months=stay.months)
        or stays.available_until_error(listing=listing, last_night=last_night),
        _people_error(listing, stay.people),
    ]
    errors = [error for error in found if error]
    if errors:
        raise ValidationError(errors)
    if dates_taken(listing=listing, start=stay.move_in, end=stay.move_out):
        raise ValidationError(
            _("These dates are already taken. Try another move-in date."), code="dates_taken"
        )


def _people_error(listing: Listing, people: int) -> str | None:
    if people > listing.max_occupants:
        return _("At most %(count)s people can live in this apartment.") % {
            "count": listing.max_occupants
        }
    return None


# --- Reservation requests -------------------------------------------------------------------


def _reservation_text(stay: Stay) -> str:
    people = ngettext("%(count)s person", "%(count)s people", stay.people) % {"count": stay.people}
    return _("Reservation request: move in %(date)s, %(months)s months, %(people)s.") % {
        "date": date_format(stay.move_in),
        "months": stay.months,
        "people": people,
    }


@transaction.atomic
def reservation_request_create(
    *,
    tenant: User,
    listing: Listing,
    stay: Stay,
    message: str = "",
    optional_fields: list[str] | None = None,
    agreed: bool = False,
    contract_sharing: bool = False,
    ip: str | None = None,
) -> ReservationRequest:
    """Ask the host for the stay.

    The first contact with the host records the consent to share the profile
    (as an inquiry does); every request records the consent that a contract,
    if the host sends one, shows the host the tenant's name and contact details.
    """
    _reservation_allowed_check(tenant=tenant, listing=listing, contract_sharing=contract_sharing)
    stay_check(listing=listing, stay=stay)
    message = message.strip()
    thread = _reservation_thread(
        tenant=tenant,
        listing=listing,
        stay=stay,
        message=message,
        optional_fields=optional_fields or [],
        agreed=agreed,
        ip=ip,
    )
    reservation = _reservation_row_create(
        thread=thread, listing=listing, tenant=tenant, stay=stay, message=message
    )
    _contract_sharing_consent_record(user=tenant, ip=ip)
    messaging.notice_post(thread=thread, actor=tenant, text=lambda: _reservation_text(stay))
    contract_mail_send(
        to=listing.host,
        template="reservation_received",
        context={"reservation": reservation, "thread_path": thread.get_absolute_url()},
    )
    return reservation


def _reservation_allowed_check(*, tenant: User, listing: Listing, contract_sharing: bool) -> None:
    if not contract_sharing:
        raise ValidationError(
            _("Agree that the contract shows the host your name and contact details."),
            code="contract_sharing",
        )
    if listing.host_id == tenant.pk:
        raise ValidationError(_("You cannot apply for your own listing."))
    if listing.status != Listing.Status.PUBLISHED:
        raise ValidationError(_("This listing is not published."))


def _reservation_thread(
    *,
    tenant: User,
    listing: Listing,
    stay: Stay,
    message: str,
    optional_fields: list[str],
    agreed: bool,
    ip: str | None,
) -> Thread:
    """The tenant's thread with the host, opened by this request if there is none yet."""
    thread = messaging_selectors.thread_of_tenant(listing=listing, tenant=tenant)
    if thread is None:
        return messaging.thread_start(
            tenant=tenant,
            listing=listing,
            inquiry=messaging.Inquiry(
                move_in=stay.move_in,
                months=stay.months,
                people=stay.people,
                body=message or _reservation_text(stay),
            ),
            optional_fields=optional_fields,
            agreed=agreed,
            ip=ip,
            notify=False,
        )
    if message:
        messaging.message_post(thread=thread, sender=tenant, body=message, notify=False)
    return thread


def _reservation_row_create(
    *, thread: Thread, listing: Listing, tenant: User, stay: Stay, message: str
) -> ReservationRequest:
    """The request itself; a second open one in the thread is refused by the database."""
    try:
        with transaction.atomic():
            return ReservationRequest.objects.create(
                thread=thread,
                listing=listing,
                tenant=tenant,
                host=listing.host,
                move_in=stay.move_in,
                months=stay.months,
                people=stay.people,
                message=message,
            )
    except IntegrityError as error:
        raise ValidationError(
            _("You already have a reservation request waiting for this host's answer."),
            code="duplicate",
        ) from error


def _contract_sharing_consent_record(*, user: User, ip: str | None) -> None:
    consent_record(
        user=user,
        purpose=Consent.Purpose.CONTRACT_SHARING,
        granted=True,
        ip=ip,
        source=Consent.Source.CONTRACT,
    )


def _masked_for(thread: Thread, *, text: str, author: User) -> str:
    """Free text as the other party reads it: contact details hidden until a contract is signed.

    Mails go outside the thread page, so they apply the thread's rule themselves.
    """
    return messaging.contact_text_for(
        text=text,
        author_id=author.pk,
        viewer=thread.other_party(author),
        unmasked=messaging.thread_contact_unmasked(thread),
    )


def _reservation_transition(
    *, reservation: ReservationRequest, to: str, by: User, **fields
) -> ReservationRequest:
    transition_move(
        obj=reservation,
        table=RESERVATION_TRANSITIONS,
        to=to,
        role=stay_role(reservation, by),
        decided_at=timezone.now(),
        **fields,
    )
    return reservation


@transaction.atomic
def reservation_decline(*, reservation: ReservationRequest, by: User, reason: str):
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Tell the tenant why you decline."))
    _reservation_transition(reservation=reservation, to=R.DECLINED, by=by, decline_reason=reason)
    messaging.notice_post(
        thread=reservation.thread,
        actor=by,
        text=lambda: _("Reservation request declined: %(reason)s") % {"reason": reason},
    )
    contract_mail_send(
        to=reservation.tenant,
        template="reservation_declined",
        context={
            "reservation": reservation,
            "reason": _masked_for(reservation.thread, text=reason, author=by),
            "thread_path": reservation.thread.get_absolute_url(),
        },
    )
    return reservation


@transaction.atomic
def reservation_withdraw(*, reservation: ReservationRequest, by: User):
    _reservation_transition(reservation=reservation, to=R.WITHDRAWN, by=by)
    messaging.notice_post(
        thread=reservation.thread, actor=by, text=lambda: _("Reservation request withdrawn.")
    )
    return reservation


# --- Contracts ------------------------------------------------------------------------------


def commission_rate_current() -> tuple:
    """(tenant %, host %) in force now; none set by staff means no commission."""
    rate = CommissionRate.objects.filter(effective_from__lte=timezone.now()).first()
    if rate is None:
        return (Decimal(0), Decimal(0))
    return (rate.tenant_percent, rate.host_percent)


@dataclass(frozen=True)
class ContractOffer:
    """What a contract for a stay would say about money, at today's listing and rates."""

    cost: StayCost
    plan: list[PlannedPayment]
    tenant_percent: Decimal
    host_percent: Decimal

    @property
    def totals(self) -> dict:
        return plan_totals(self.plan)


def contract_offer(*, listing: Listing, stay: Stay) -> ContractOffer:
    """The schedule the host previews is the one `contract_send` writes."""
    tenant_percent, host_percent = commission_rate_current()
    cost = listing_stay_cost(listing=listing, move_in=stay.move_in, months=stay.months)
    plan = schedule_plan(cost=cost, tenant_percent=tenant_percent, host_percent=host_percent)
    return ContractOffer(cost, plan, tenant_percent, host_percent)


def reservation_stay(reservation: ReservationRequest) -> Stay:
    return Stay(move_in=reservation.move_in, months=reservation.months, people=reservation.people)


def terms_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@transaction.atomic
def contract_send(
    *,
    reservation: ReservationRequest,
    by: User,
    ip: str | None = None,
    user_agent: str = "",
) -> Contract:
    """The host accepts the request and sends the contract; the dates are held for 72 hours."""
    listing = Listing.objects.select_for_update().get(pk=reservation.listing_id)
    stay = reservation_stay(reservation)
    if by.pk != listing.host_id:
        raise PermissionDenied
    stay_check(listing=listing, stay=stay)
    _reservation_transition(reservation=reservation, to=R.ACCEPTED, by=by)
    # Sending is the host's agreement that the contract shows their details too.
    _contract_sharing_consent_record(user=by, ip=ip)
    _contract_parties_provide(reservation=reservation, host=by, listing=listing)
    contract = _contract_create(
        reservation=reservation, listing=listing, host=by, stay=stay, ip=ip, user_agent=user_agent
    )
    contract_announce(
        contract=contract,
        kind=ContractEvent.Kind.SENT,
        actor=by,
        notice=lambda: (
            _("%(host)s accepted the reservation request and sent contract %(number)s.")
            % {"host": by.public_name, "number": contract.number}
        ),
        mail="contract_sent",
        to=[contract.tenant],
    )
    return contract


def _contract_create(
    *,
    reservation: ReservationRequest,
    listing: Listing,
    host: User,
    stay: Stay,
    ip: str | None,
    user_agent: str,
) -> Contract:
    """The contract row: its terms frozen from today's listing and rates, held for `HOLD`."""
    offer = contract_offer(listing=listing, stay=stay)
    terms = _contract_terms(
        listing=listing, tenant=reservation.tenant, host=host, stay=stay, offer=offer
    )
    language = recipient_language(reservation.tenant)
    text = terms_text_render(terms, language=language)
    now = timezone.now()
    return Contract.objects.create(
        thread=reservation.thread,
        listing=listing,
        tenant=reservation.tenant,
        host=host,
        reservation=reservation,
        start_date=stay.move_in,
        end_date=stay.move_out,
        months=stay.months,
        people=stay.people,
        cancellation_policy=listing.cancellation_policy,
        tenant_commission_percent=offer.tenant_percent,
        host_commission_percent=offer.host_percent,
        total=offer.cost.total,
        tenant_total=offer.totals["amount"],
        terms=terms,
        language=language,
        terms_text=text,
        terms_sha256=terms_hash(text),
        sent_at=now,
        expires_at=now + HOLD,
        host_ip=ip,
        host_user_agent=user_agent[:300],
    )


def _contract_terms(
    *, listing: Listing, tenant: User, host: User, stay: Stay, offer: ContractOffer
) -> dict:
    return terms_snapshot(
        listing=listing,
        tenant=tenant,
        host=host,
        stay=stay,
        cost=offer.cost,
        plan=offer.plan,
        tenant_percent=offer.tenant_percent,
        host_percent=offer.host_percent,
    )


TENANT_DATA_IN_CONTRACT = ["full_name", "email", "phone"]
HOST_DATA_IN_CONTRACT = ["full_name", "email", "phone", "listing_exact_address"]


def _contract_parties_provide(*, reservation: ReservationRequest, host: User, listing) -> None:
    """Record what each party's details the other receives in the contract (policy 3.2).

    Without the consent in force (withdrawn on /privacy/me/) no contract is sent.
    """

    def purpose():
        return _("Contract for “%(title)s”") % {"title": listing.title}

    for person, recipient, items in (
        (reservation.tenant, host, TENANT_DATA_IN_CONTRACT),
        (host, reservation.tenant, HOST_DATA_IN_CONTRACT),
    ):
        try:
            personal_data_provide(
                person=person,
                recipient=recipient,
                recipient_name=recipient.public_name,
                data_items=items,
                purpose=purpose,
                basis="consent",
                consent_purpose=Consent.Purpose.CONTRACT_SHARING,
            )
        except ProvisionRefused as error:
            raise ValidationError(
                _(
                    "The tenant withdrew their consent to show their details in a contract, "
                    "so no contract can be sent. Ask them in the conversation."
                ),
                code="contract_sharing",
            ) from error


def _code_digest(contract: Contract, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{contract.pk}:{code}".encode(), hashlib.sha256).hexdigest()


def _check_signable(contract: Contract, user: User) -> None:
    CONTRACT_TRANSITIONS.check(current=contract.status, to=S.SIGNED, role=stay_role(contract, user))
    if contract.expires_at <= timezone.now():
        raise ValidationError(
            _("This contract expired: its dates were held for 72 hours."), code="expired"
        )
    if contract.start_date < timezone.localdate():
        raise ValidationError(
            _("The move-in date has passed. Ask the host to send a contract with new dates."),
            code="past",
        )
    if not identity_is_verified(user=user):
        raise ValidationError(
            _(
                "Before you sign, KaguAruoo checks your identity: upload your passport or "
                "residence card on your privacy page. Staff check it, usually within a day."
            ),
            code="identity",
        )


@transaction.atomic
def signing_code_issue(*, contract: Contract, user: User) -> str:
    """A new one-time code for the tenant's signature; earlier codes stop working.

    Only its HMAC is stored: the code itself exists in the mail alone.
    """
    _check_signable(contract, user)
    now = timezone.now()
    _signing_code_limit_check(contract=contract, now=now)
    SigningCode.objects.filter(contract=contract, used_at__isnull=True).update(used_at=now)
    code = f"{secrets.randbelow(1_000_000):06d}"
    SigningCode.objects.create(
        contract=contract,
        user=user,
        code_hash=_code_digest(contract, code),
        expires_at=now + CODE_LIFETIME,
    )
    return code


def _signing_code_limit_check(*, contract: Contract, now: datetime.datetime) -> None:
    """RateLimited if the contract had a code too recently or too many lately.

    Counted from the codes' own rows, under the contract's row lock, and not in the
    cache: with each code taking at most CODE_ATTEMPTS tries, this is what bounds how
    many guesses a stolen session gets, and a cache outage must neither lift the bound
    nor stop anyone from signing.
    """
    Contract.objects.select_for_update().filter(pk=contract.pk).first()
    day_ago = now - datetime.timedelta(days=1)
    issued = list(
        SigningCode.objects.filter(contract=contract, created_at__gt=day_ago)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
    )
    interval = datetime.timedelta(seconds=settings.SIGNING_CODE_INTERVAL_SECONDS)
    if issued and issued[0] + interval > now:
        wait = (issued[0] + interval - now).total_seconds()
        raise RateLimited(
            retry_after=math.ceil(wait),
            message=_(
                "We sent you a code less than a minute ago: check your mail, and its spam "
                "folder. You can ask for a new code in %(seconds)d seconds."
            )
            % {"seconds": math.ceil(wait)},
        )
    hour_ago = now - datetime.timedelta(hours=1)
    last_hour = [at for at in issued if at > hour_ago]
    waits = []
    if len(last_hour) >= settings.SIGNING_CODES_PER_HOUR:
        waits.append(last_hour[settings.SIGNING_CODES_PER_HOUR - 1] - hour_ago)
    if len(issued) >= settings.SIGNING_CODES_PER_DAY:
        waits.append(issued[settings.SIGNING_CODES_PER_DAY - 1] - day_ago)
    if waits:
        raise RateLimited(retry_after=math.ceil(max(waits).total_seconds()))


@transaction.atomic
def contract_signing_code_send(*, contract: Contract, user: User, language: str = "") -> None:
    """The tenant clicked "Agree", reading in `language`: mail them the one-time code that
    confirms it. The text they sign is the one in that language."""
    code = signing_code_issue(contract=contract, user=user)
    if language and language != contract.language:
        _contract_language_switch(contract=contract, language=language)
    contract_mail_send(
        to=user,
        template="signing_code",
        context={"contract": contract, "code": code, "minutes": CODE_LIFETIME.seconds // 60},
    )


def _contract_language_switch(*, contract: Contract, language: str) -> None:
    """Write the unsigned contract's text in `language` from its snapshot: that text is
    the one the tenant signs, and it governs."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"{language!r} is not one of the site's languages.")
    if terms_hash(contract.terms_text) != contract.terms_sha256:
        raise ValidationError(_("The contract's terms do not match their hash."))
    text = terms_text_render(contract.terms, language=language)
    switched = Contract.objects.filter(
        pk=contract.pk, status=S.SENT, terms_sha256=contract.terms_sha256
    ).update(language=language, terms_text=text, terms_sha256=terms_hash(text))
    if not switched:
        raise IllegalTransition(_("This contract can no longer be signed."))
    contract.language, contract.terms_text, contract.terms_sha256 = (
        language,
        text,
        terms_hash(text),
    )


def _code_accept(*, contract: Contract, user: User, code: str) -> None:
    """Use up the latest live code if `code` matches it; count a failed attempt otherwise.

    The attempt is counted in its own transaction, so it stays counted when signing fails.
    """
    refusal = None
    with transaction.atomic():
        live = (
            SigningCode.objects.select_for_update()
            .filter(contract=contract, user=user, used_at__isnull=True)
            .filter(expires_at__gt=timezone.now())
            .first()
        )
        if live is None:
            refusal = ValidationError(_("The code has expired. Ask for a new one."), code="no_code")
        elif live.attempts >= CODE_ATTEMPTS:
            refusal = ValidationError(_("Too many wrong codes. Ask for a new one."), code="no_code")
        elif not hmac.compare_digest(live.code_hash, _code_digest(contract, code.strip())):
            SigningCode.objects.filter(pk=live.pk).update(attempts=live.attempts + 1)
            refusal = ValidationError(
                _("That code is not right. Check the mail we sent."), code="wrong"
            )
        else:
            SigningCode.objects.filter(pk=live.pk).update(used_at=timezone.now())
    if refusal is not None:
        raise refusal


def contract_sign(
    *,
    contract: Contract,
    user: User,
    code: str,
    ip: str | None = None,
    user_agent: str = "",
) -> Contract:
    """The tenant's "Agree", confirmed by the mailed code: the contract is signed.

    Overlapping signed contracts are refused by the database.
    """
    _check_signable(contract, user)
    _code_accept(contract=contract, user=user, code=code)
    if terms_hash(contract.terms_text) != contract.terms_sha256:
        raise ValidationError(_("The contract's terms do not match their hash."))
    try:
        with transaction.atomic():
            listing_dates_lock(listing_id=contract.listing_id)
            contract_transition(
                contract=contract,
                to=S.SIGNED,
                by=user,
                signed_at=timezone.now(),
                signed_ip=ip,
                signed_user_agent=user_agent[:300],
                signed_sha256=terms_hash(contract.terms_text),
            )
            _after_signing(contract)
    except IntegrityError as error:
        raise ValidationError(
            _("Another contract for these dates was signed first. Ask the host for other dates."),
            code="dates_taken",
        ) from error
    return contract


def _after_signing(contract: Contract) -> None:
    contract_signed_run(contract)
    contract_announce(
        contract=contract,
        kind=ContractEvent.Kind.SIGNED,
        actor=contract.tenant,
        notice=lambda: (
            _("%(tenant)s signed contract %(number)s.")
            % {"tenant": contract.tenant.public_name, "number": contract.number}
        ),
        mail="contract_signed",
        to=[contract.tenant, contract.host],
    )


@transaction.atomic
def contract_decline(*, contract: Contract, by: User, reason: str) -> Contract:
    """The tenant refuses the contract sent to them."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Tell the host why you decline."))
    contract_transition(
        contract=contract, to=S.DECLINED, by=by, decline_reason=reason, ended_at=timezone.now()
    )
    contract_announce(
        contract=contract,
        kind=ContractEvent.Kind.DECLINED,
        actor=by,
        detail={"reason": reason},
        notice=lambda: (
            _("Contract %(number)s declined: %(reason)s")
            % {"number": contract.number, "reason": reason}
        ),
        mail="contract_declined",
        to=[contract.host],
        context={"reason": _masked_for(contract.thread, text=reason, author=by)},
    )
    return contract


@transaction.atomic
def contract_withdraw(*, contract: Contract, by: User) -> Contract:
    """The host takes back a contract the tenant has not signed yet."""
    if contract.status != S.SENT:
        raise IllegalTransition(f"only a sent contract is withdrawn, not a {contract.status} one")
    contract_transition(
        contract=contract, to=S.CANCELLED, by=by, cancelled_by=by, ended_at=timezone.now()
    )
    contract_announce(
        contract=contract,
        kind=ContractEvent.Kind.CANCELLED,
        actor=by,
        notice=lambda: (
            _("Contract %(number)s was withdrawn by the host.") % {"number": contract.number}
        ),
        mail="contract_withdrawn",
        to=[contract.tenant],
    )
    return contract


def contracts_expire() -> int:
    """Expire every sent contract past its 72-hour hold; each is expired (and mailed) once."""
    expired = 0
    due = Contract.objects.filter(status=S.SENT, expires_at__lte=timezone.now())
    for contract in due.select_related("tenant", "host", "thread"):
        with transaction.atomic():
            try:
                contract_transition(
                    contract=contract, to=S.EXPIRED, by=None, ended_at=timezone.now()
                )
            except IllegalTransition:
                continue  # signed or expired by someone else meanwhile
            contract_announce(
                contract=contract,
                kind=ContractEvent.Kind.EXPIRED,
                actor=None,
                poster=contract.host,
                notice=lambda number=contract.number: (
                    _("Contract %(number)s expired unsigned after 72 hours.") % {"number": number}
                ),
                mail="contract_expired",
                to=[contract.tenant, contract.host],
            )
            expired += 1
    return expired


def contract_is_signed_for_thread(*, thread: Thread) -> bool:
    """Contact details unmask in a thread once a contract in it is signed."""
    return any(contract.status == S.SIGNED for contract in thread_contracts(thread=thread))
