"""Applications and gifts: a person applies to a campaign, staff choose recipients (by hand
or by a recorded draw), and each chosen person's gift is shipped and its arrival confirmed.

A shipment moves only through `SHIPMENT_TRANSITIONS`: staff mark it shipped (with the
carrier and the tracking number, once the person gave an address) and delivered; the
recipient confirms the arrival, from the mail's signed link or on the site, once it was
shipped. The recipient is `Role.OPENER` in the table: the person who applied.

The shipping address is used only with the person's consent for this purpose: each
shipment keeps when, from which IP address and under which policy version it was given,
and privacy's consent history records the GIFT_SHIPPING decision (shown on /privacy/me/).
What staff do (choose, draw, ship, deliver) is written to the staff audit log here.
"""

import random
import secrets
from collections.abc import Iterable

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from campaigns.core.models import Campaign
from campaigns.gifts.models import GiftApplication, GiftDraw, GiftShipment
from kaguaruoo.mail import mail_send
from kaguaruoo.roles import Role
from kaguaruoo.transitions import TransitionTable, transition_move
from privacy.models import Consent, StaffAuditLog
from privacy.selectors import policy_current
from privacy.services import consent_is_granted, consent_record
from privacy.staff_access import AuditOrigin, audit_write

Status = GiftShipment.Status
RECIPIENT = Role.OPENER
CONFIRM_SALT = "campaigns.gifts.confirm"
ADDRESS_FIELDS = (
    "postal_code",
    "prefecture",
    "city",
    "address_line",
    "building",
    "recipient_name",
    "phone",
)

SHIPMENT_TRANSITIONS = TransitionTable.of(
    {
        (Status.PREPARING, Status.SHIPPED): Role.STAFF,
        (Status.SHIPPED, Status.DELIVERED): Role.STAFF,
        (Status.SHIPPED, Status.CONFIRMED): RECIPIENT,
        (Status.DELIVERED, Status.CONFIRMED): RECIPIENT,
    }
)


# --- Rules ----------------------------------------------------------------------------------


def applications_are_open(*, campaign: Campaign) -> bool:
    """The campaign takes applications and its closing time has not come."""
    if not campaign.applications_open:
        return False
    return campaign.applications_close_at is None or timezone.now() < campaign.applications_close_at


def gift_confirm_token(*, shipment: GiftShipment) -> str:
    return signing.dumps(shipment.pk, salt=CONFIRM_SALT)


def gift_confirm_pk(*, token: str) -> int | None:
    """The shipment a confirmation link names; None when the token was changed."""
    try:
        return int(signing.loads(token, salt=CONFIRM_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def gift_confirm_path(*, shipment: GiftShipment) -> str:
    return reverse("campaigns:gift_confirm_link", args=[gift_confirm_token(shipment=shipment)])


def _audit(*, by: User, obj, fields: list[str], origin: AuditOrigin | None, action=None) -> None:
    audit_write(
        staff=by,
        action=action or StaffAuditLog.Action.CHANGE,
        obj=obj,
        changed_fields=fields,
        origin=origin,
    )


# --- Applying -------------------------------------------------------------------------------


def gift_apply(*, campaign: Campaign, user: User) -> tuple[GiftApplication, bool]:
    """Apply once: (the application, whether it is new). A second try returns the first."""
    existing = GiftApplication.objects.filter(campaign=campaign, user=user).first()
    if existing is not None:
        return existing, False
    if not applications_are_open(campaign=campaign):
        raise ValidationError(_("Applications for this campaign are closed."), code="closed")
    try:
        with transaction.atomic():
            return GiftApplication.objects.create(campaign=campaign, user=user), True
    except IntegrityError:  # the same person's second click, a moment later
        return GiftApplication.objects.get(campaign=campaign, user=user), False


# --- Choosing -------------------------------------------------------------------------------


@transaction.atomic
def gift_applications_choose(
    *,
    applications: Iterable[GiftApplication],
    by: User,
    draw: GiftDraw | None = None,
    origin: AuditOrigin | None = None,
) -> list[GiftShipment]:
    """Staff choose applications: each chosen person gets a shipment and a mail asking for
    the shipping address. Applications chosen before, or whose person was erased, are left."""
    shipments = []
    now = timezone.now()
    for application in applications:
        chosen = GiftApplication.objects.filter(
            pk=application.pk, chosen_at__isnull=True, user__isnull=False
        ).update(chosen_at=now, chosen_by=by, draw=draw)
        if not chosen:
            continue
        application.refresh_from_db()
        shipment, _created = GiftShipment.objects.get_or_create(
            campaign=application.campaign, user=application.user
        )
        _audit(by=by, obj=application, fields=["chosen_at"], origin=origin)
        mail_send(
            to=application.user,
            template="campaigns/emails/gift_chosen",
            context={"shipment": shipment, "campaign": application.campaign},
        )
        shipments.append(shipment)
    return shipments


def gift_draw_candidates(*, campaign: Campaign, number: int) -> list[int]:
    """The ids a draw of `number` would draw from; ValidationError when it cannot be run."""
    if number < 1:
        raise ValidationError(_("Draw at least one application."), code="number")
    if campaign.applications_close_at is None or applications_are_open(campaign=campaign):
        raise ValidationError(
            _("Applications are still open: set a closing time that has passed, then draw."),
            code="open",
        )
    candidates = list(
        GiftApplication.objects.filter(
            campaign=campaign, chosen_at__isnull=True, user__isnull=False
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if number > len(candidates):
        raise ValidationError(
            _("Only %(count)d applications are left to draw from.") % {"count": len(candidates)},
            code="too_many",
        )
    return candidates


def gift_draw_pick(*, seed: str, candidate_ids: list[int], number: int) -> list[int]:
    """The draw itself: anyone holding the seed and the candidates gets the same winners."""
    return random.Random(seed).sample(candidate_ids, number)  # a draw, not a secret


@transaction.atomic
def gift_draw_run(
    *,
    campaign: Campaign,
    number: int,
    by: User,
    seed: str = "",
    origin: AuditOrigin | None = None,
) -> GiftDraw:
    """Draw `number` of the applications not chosen yet, record the draw, choose the winners."""
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()  # one draw at a time
    candidates = gift_draw_candidates(campaign=campaign, number=number)
    seed = seed or secrets.token_hex(16)
    chosen_ids = gift_draw_pick(seed=seed, candidate_ids=candidates, number=number)
    draw = GiftDraw.objects.create(
        campaign=campaign,
        seed=seed,
        number=number,
        candidate_ids=candidates,
        chosen_ids=chosen_ids,
        drawn_by=by,
        drawn_at=timezone.now(),
    )
    _audit(by=by, obj=draw, fields=["chosen_ids"], origin=origin, action=StaffAuditLog.Action.ADD)
    winners = GiftApplication.objects.filter(pk__in=chosen_ids).select_related("campaign", "user")
    gift_applications_choose(applications=winners, by=by, draw=draw, origin=origin)
    return draw


def gift_draw_verify(*, draw: GiftDraw) -> bool:
    """Whether the recorded winners follow from the recorded seed and candidates."""
    picked = gift_draw_pick(seed=draw.seed, candidate_ids=draw.candidate_ids, number=draw.number)
    return picked == draw.chosen_ids


# --- The address ----------------------------------------------------------------------------


@transaction.atomic
def gift_address_give(
    *, shipment: GiftShipment, user: User, address: dict[str, str], ip: str | None
) -> GiftShipment:
    """The recipient gives (or corrects) the address while the gift is being prepared, and
    consents to its use for this shipment."""
    if user.pk != shipment.user_id:
        raise PermissionDenied
    shipment.refresh_from_db(from_queryset=GiftShipment.objects.select_for_update())
    if shipment.status != Status.PREPARING:
        raise ValidationError(
            _("The gift was already shipped: the address can no longer be changed."),
            code="shipped",
        )
    consent_record(
        user=user,
        purpose=Consent.Purpose.GIFT_SHIPPING,
        granted=True,
        ip=ip,
        source=Consent.Source.GIFT,
    )
    for name in ADDRESS_FIELDS:
        setattr(shipment, name, address.get(name, "").strip())
    shipment.address_consented_at = timezone.now()
    shipment.address_consent_ip = ip
    shipment.address_consent_policy = policy_current()
    shipment.save()
    return shipment


# --- Shipping and arrival -------------------------------------------------------------------


@transaction.atomic
def gift_shipment_ship(
    *,
    shipment: GiftShipment,
    carrier: str,
    tracking_number: str,
    by: User,
    origin: AuditOrigin | None = None,
) -> GiftShipment:
    """Staff send the gift: the recipient is mailed the carrier, the tracking number and a
    link to confirm the arrival."""
    tracking_number = tracking_number.strip()
    if carrier not in GiftShipment.Carrier.values or not tracking_number:
        raise ValidationError(
            _("Give the carrier and the tracking number of the parcel."), code="tracking"
        )
    if not shipment.address_given:
        raise ValidationError(
            _("The recipient has not given a shipping address yet."), code="no_address"
        )
    if shipment.user is not None and not consent_is_granted(
        user=shipment.user, purpose=Consent.Purpose.GIFT_SHIPPING
    ):
        raise ValidationError(
            _("The recipient withdrew the consent to use the address (or asked us to stop)."),
            code="no_consent",
        )
    transition_move(
        obj=shipment,
        table=SHIPMENT_TRANSITIONS,
        to=Status.SHIPPED,
        role=Role.STAFF,
        message=_("Only a gift being prepared can be marked shipped."),
        carrier=carrier,
        tracking_number=tracking_number,
        shipped_at=timezone.now(),
    )
    _audit(by=by, obj=shipment, fields=["status", "carrier", "tracking_number"], origin=origin)
    if shipment.user is not None:
        mail_send(
            to=shipment.user,
            template="campaigns/emails/gift_shipped",
            context={"shipment": shipment, "confirm_path": gift_confirm_path(shipment=shipment)},
        )
    return shipment


@transaction.atomic
def gift_shipment_deliver(
    *, shipment: GiftShipment, by: User, origin: AuditOrigin | None = None
) -> GiftShipment:
    """Staff record that the carrier delivered the parcel."""
    transition_move(
        obj=shipment,
        table=SHIPMENT_TRANSITIONS,
        to=Status.DELIVERED,
        role=Role.STAFF,
        message=_("Only a shipped gift can be marked delivered."),
        delivered_at=timezone.now(),
    )
    _audit(by=by, obj=shipment, fields=["status"], origin=origin)
    return shipment


@transaction.atomic
def gift_shipment_confirm(*, shipment: GiftShipment, by: User | None = None) -> GiftShipment:
    """The recipient confirms the gift arrived: `by` signed in on the site, or None for the
    holder of the mail's signed link. A thank-you mail follows."""
    if by is not None and by.pk != shipment.user_id:
        raise PermissionDenied
    if shipment.status == Status.CONFIRMED:
        raise ValidationError(_("You already confirmed that this gift arrived."), code="done")
    transition_move(
        obj=shipment,
        table=SHIPMENT_TRANSITIONS,
        to=Status.CONFIRMED,
        role=RECIPIENT,
        message=_("This gift has not been shipped yet: it cannot have arrived."),
        confirmed_at=timezone.now(),
    )
    if shipment.user is not None:
        mail_send(
            to=shipment.user,
            template="campaigns/emails/gift_confirmed",
            context={"shipment": shipment},
        )
    return shipment
