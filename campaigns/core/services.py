"""Every write of a campaign: start, pause, resume, cancel, finish; tracking and unsubscribe.

draft --send--> sending (now) or scheduled (later) --due--> sending
sending <--pause / resume--> paused;  sending --all mailed--> finished
draft, scheduled, sending, paused --cancel--> cancelled

Starting a campaign decides its recipients once: one delivery and one outbox row
per person (both unique), in one transaction. Each mail is then checked again and
rendered by `campaign_prepare` at the moment it goes out.
"""

import contextlib

from django.conf import settings
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.core.audiences import audience_users
from campaigns.core.fields import fields_unknown
from campaigns.core.models import Campaign, CampaignLink, Click, Delivery
from campaigns.core.render import campaign_body, campaign_render, links_find
from kaguaruoo.mail import email_queue, mail_message, recipient_language
from kaguaruoo.outbox.kinds import Hold, Prepared, Skip, outbox_kind_register
from kaguaruoo.outbox.services import (
    outbox_add_many,
    outbox_changed,
    outbox_group_hold,
    outbox_group_release,
    outbox_kick,
    outbox_skip,
)
from kaguaruoo.roles import Role
from kaguaruoo.transitions import IllegalTransition, TransitionTable, transition_move
from privacy.models import Consent, StaffAuditLog
from privacy.selectors import consent_latest, reachable_among, user_reachable, users_reachable
from privacy.services import consent_record
from privacy.staff_access import AuditOrigin, audit_write

Status = Campaign.Status
KIND = "campaign"

CAMPAIGN_TRANSITIONS = TransitionTable.of(
    {
        (Status.DRAFT, Status.SENDING): {Role.STAFF},
        (Status.DRAFT, Status.SCHEDULED): {Role.STAFF},
        (Status.SCHEDULED, Status.SENDING): {Role.STAFF, Role.SYSTEM},
        (Status.SCHEDULED, Status.DRAFT): {Role.STAFF},
        (Status.SENDING, Status.PAUSED): {Role.STAFF},
        (Status.PAUSED, Status.SENDING): {Role.STAFF},
        (Status.SENDING, Status.FINISHED): {Role.SYSTEM},
        (Status.DRAFT, Status.CANCELLED): {Role.STAFF},
        (Status.SCHEDULED, Status.CANCELLED): {Role.STAFF},
        (Status.SENDING, Status.CANCELLED): {Role.STAFF},
        (Status.PAUSED, Status.CANCELLED): {Role.STAFF},
    }
)

BATCH = 2000


class CampaignError(Exception):
    pass


def _audit(campaign: Campaign, *, by, what: str, origin: AuditOrigin | None) -> None:
    """A staff member's move of a campaign, in the staff audit log."""
    audit_write(
        staff=by,
        action=StaffAuditLog.Action.CHANGE,
        obj=campaign,
        changed_fields=[what],
        origin=origin,
    )


def campaign_problems(campaign: Campaign, *, for_sending: bool = True) -> list[str]:
    """What stops a campaign from being sent, in words for staff (`for_sending=False`: from
    a test send to oneself, which needs no sender's address)."""
    problems = []
    for label, text in (
        (_("English subject"), campaign.subject_en),
        (_("Japanese subject"), campaign.subject_ja),
        (_("English body"), campaign.body_en),
        (_("Japanese body"), campaign.body_ja),
    ):
        if not text.strip():
            problems.append(_("The %(part)s is empty.") % {"part": label})
        unknown = fields_unknown(text)
        if unknown:
            problems.append(
                _("The %(part)s uses unknown fields: %(fields)s.")
                % {"part": label, "fields": ", ".join(unknown)}
            )
    english, japanese = (campaign_body(campaign, language=code) for code in ("en", "ja"))
    if len(links_find(english)) != len(links_find(japanese)):
        problems.append(_("The English and Japanese bodies must have the same links, in order."))
    if campaign.audience == Campaign.Audience.PREFECTURE and not campaign.audience_prefecture:
        problems.append(_("Choose the prefecture of the audience."))
    if campaign.audience == Campaign.Audience.STAY_ENDING and not campaign.audience_days:
        problems.append(_("Say within how many days the stays end."))
    if (
        campaign.audience in (Campaign.Audience.OPENED, Campaign.Audience.NOT_OPENED)
        and campaign.audience_campaign_id is None
    ):
        problems.append(_("Choose the earlier campaign of the audience."))
    if for_sending and not settings.COMPANY_ADDRESS:
        problems.append(_("COMPANY_ADDRESS is not set: every campaign mail must name the sender."))
    return problems


def campaign_recipients(campaign: Campaign):
    """The audience, narrowed to the people the campaign's purpose may reach today."""
    return users_reachable(audience_users(campaign), purpose=campaign.purpose)


def campaign_send(*, campaign: Campaign, by, origin: AuditOrigin | None = None) -> Campaign:
    """Staff press Send: now, or at the campaign's time if that is still ahead."""
    problems = campaign_problems(campaign)
    if problems:
        raise CampaignError(" ".join(problems))
    with transaction.atomic():
        if campaign.scheduled_at and campaign.scheduled_at > timezone.now():
            campaign = transition_move(
                obj=campaign, table=CAMPAIGN_TRANSITIONS, to=Status.SCHEDULED, role=Role.STAFF
            )
        else:
            campaign = campaign_start(campaign=campaign, role=Role.STAFF)
        _audit(campaign, by=by, what="send", origin=origin)
    return campaign


def campaign_start(*, campaign: Campaign, role=Role.SYSTEM) -> Campaign:
    """Decide the recipients and hand their mail to the outbox, all in one transaction."""
    with transaction.atomic():
        campaign = transition_move(
            obj=campaign,
            table=CAMPAIGN_TRANSITIONS,
            to=Status.SENDING,
            role=role,
            started_at=timezone.now(),
        )
        english, japanese = (
            links_find(campaign_body(campaign, language=code)) for code in ("en", "ja")
        )
        CampaignLink.objects.bulk_create(
            CampaignLink(campaign=campaign, position=position, url=url, url_ja=url_ja)
            for position, (url, url_ja) in enumerate(zip(english, japanese, strict=True))
        )
        users = campaign_recipients(campaign).order_by("pk").only("pk", "email", "language")
        batch = []
        for user in users.iterator(chunk_size=BATCH):
            batch.append(user)
            if len(batch) == BATCH:
                _deliveries_create(campaign, batch)
                batch = []
        if batch:
            _deliveries_create(campaign, batch)
        if not Delivery.objects.filter(campaign=campaign).exists():
            # Nobody to mail: nothing will ever tell the outbox's drain about it.
            return transition_move(
                obj=campaign,
                table=CAMPAIGN_TRANSITIONS,
                to=Status.FINISHED,
                role=Role.SYSTEM,
                finished_at=timezone.now(),
            )
        outbox_kick()
    return campaign


def _deliveries_create(campaign: Campaign, users: list) -> None:
    messages = outbox_add_many(
        [
            {
                "kind": KIND,
                "key": f"{campaign.outbox_group}:user:{user.pk}",
                "group": campaign.outbox_group,
                "address": user.email,
                "recipient": user,
            }
            for user in users
        ]
    )
    Delivery.objects.bulk_create(
        [
            Delivery(
                campaign=campaign, user=user, message=message, language=recipient_language(user)
            )
            for user, message in zip(users, messages, strict=True)
        ],
        ignore_conflicts=True,
    )


def campaigns_due_start() -> int:
    """Scheduled campaigns whose time has come start (the beat task, every minute)."""
    started = 0
    due = Campaign.objects.filter(status=Status.SCHEDULED, scheduled_at__lte=timezone.now())
    for campaign in due:
        try:
            campaign_start(campaign=campaign)
            started += 1
        except IllegalTransition:
            continue
    return started


def campaign_pause(*, campaign: Campaign, by, origin: AuditOrigin | None = None) -> Campaign:
    with transaction.atomic():
        campaign = transition_move(
            obj=campaign, table=CAMPAIGN_TRANSITIONS, to=Status.PAUSED, role=Role.STAFF
        )
        outbox_group_hold(group=campaign.outbox_group)
        transaction.on_commit(outbox_changed)
        _audit(campaign, by=by, what="pause", origin=origin)
    return campaign


def campaign_resume(*, campaign: Campaign, by, origin: AuditOrigin | None = None) -> Campaign:
    with transaction.atomic():
        campaign = transition_move(
            obj=campaign, table=CAMPAIGN_TRANSITIONS, to=Status.SENDING, role=Role.STAFF
        )
        outbox_group_release(group=campaign.outbox_group)
        _audit(campaign, by=by, what="resume", origin=origin)
    return campaign


def campaign_cancel(*, campaign: Campaign, by, origin: AuditOrigin | None = None) -> Campaign:
    with transaction.atomic():
        campaign = transition_move(
            obj=campaign,
            table=CAMPAIGN_TRANSITIONS,
            to=Status.CANCELLED,
            role=Role.STAFF,
            finished_at=timezone.now(),
        )
        outbox_skip(reason=_("campaign cancelled"), group=campaign.outbox_group)
        transaction.on_commit(outbox_changed)
        _audit(campaign, by=by, what="cancel", origin=origin)
    return campaign


def campaign_finish(group: str) -> None:
    """The outbox has nothing left of the campaign: it is finished."""
    campaign = Campaign.objects.filter(pk=int(group.split(":")[1])).first()
    if campaign is None or campaign.status != Status.SENDING:
        return
    with contextlib.suppress(IllegalTransition):
        transition_move(
            obj=campaign,
            table=CAMPAIGN_TRANSITIONS,
            to=Status.FINISHED,
            role=Role.SYSTEM,
            finished_at=timezone.now(),
        )


def campaign_prepare_many(messages) -> dict:
    """Right before a batch of campaign mail goes out: for each row, still wanted and still
    allowed? Then its mail, rendered. Four queries for the whole batch."""
    deliveries = {
        delivery.message_id: delivery
        for delivery in Delivery.objects.select_related("campaign", "user").filter(
            message__in=[message.pk for message in messages]
        )
    }
    purposes = {delivery.campaign.purpose for delivery in deliveries.values()}
    reachable = reachable_among(
        users=[delivery.user for delivery in deliveries.values()],
        purposes=[*purposes, Consent.Purpose.ANALYTICS],
    )
    beacon = reachable[Consent.Purpose.ANALYTICS]
    _deliveries_language_refresh(deliveries.values())
    tracked: dict[int, set] = {}
    answers = {}
    for message in messages:
        delivery = deliveries.get(message.pk)
        if delivery is None:
            answers[message.pk] = Skip(_("no delivery"))
            continue
        campaign, user = delivery.campaign, delivery.user
        if campaign.status == Status.PAUSED:
            answers[message.pk] = Hold()
        elif campaign.status == Status.CANCELLED:
            answers[message.pk] = Skip(_("campaign cancelled"))
        elif user.pk not in reachable[campaign.purpose]:
            answers[message.pk] = Skip(_("no consent for this purpose"))
        else:
            if campaign.pk not in tracked:
                tracked[campaign.pk] = set(campaign.links.values_list("position", flat=True))
            rendered = campaign_render(
                campaign=campaign,
                user=user,
                language=delivery.language,
                delivery=delivery,
                beacon=user.pk in beacon,
                tracked=tracked[campaign.pk],
            )
            answers[message.pk] = Prepared(
                subject=rendered.subject,
                body=rendered.body,
                html=rendered.html,
                headers=rendered.headers,
            )
    return answers


def _deliveries_language_refresh(deliveries) -> None:
    """Each mail goes out in its recipient's language as it is now: someone who chose
    another language after the campaign started gets that one, and their tracked links
    lead to its pages."""
    changed = []
    for delivery in deliveries:
        language = recipient_language(delivery.user)
        if delivery.language != language:
            delivery.language = language
            changed.append(delivery)
    if changed:
        Delivery.objects.bulk_update(changed, ["language"])


@outbox_kind_register(KIND, on_group_done=campaign_finish, prepare_many=campaign_prepare_many)
def campaign_prepare(message) -> Prepared | Skip | Hold:
    """One row's answer (the drain asks `campaign_prepare_many` for a whole batch)."""
    return campaign_prepare_many([message])[message.pk]


def campaign_test_send(*, campaign: Campaign, by, origin: AuditOrigin | None = None) -> None:
    """The campaign to the staff member's own address, in both languages, links untracked."""
    problems = campaign_problems(campaign, for_sending=False)
    if problems:
        raise CampaignError(" ".join(problems))
    for language in ("en", "ja"):
        rendered = campaign_render(campaign=campaign, user=by, language=language)
        message = mail_message(
            subject=_("[Test] %(subject)s") % {"subject": rendered.subject},
            body=rendered.body,
            html=rendered.html,
            to=by.email,
        )
        email_queue(message=message)
    _audit(campaign, by=by, what="test send", origin=origin)


def delivery_click(*, delivery: Delivery, link: CampaignLink) -> None:
    now = timezone.now()
    with transaction.atomic():
        Click.objects.create(delivery=delivery, link=link, at=now)
        # A click shows the mail was opened, beacon or not.
        Delivery.objects.filter(pk=delivery.pk).update(
            clicks=F("clicks") + 1, opened_at=Coalesce("opened_at", Value(now))
        )


def delivery_open(*, delivery: Delivery) -> bool:
    """Count an open from the beacon, only for people who accepted web beacons."""
    if not user_reachable(user=delivery.user, purpose=Consent.Purpose.ANALYTICS):
        return False
    Delivery.objects.filter(pk=delivery.pk).update(
        opens=F("opens") + 1, opened_at=Coalesce("opened_at", Value(timezone.now()))
    )
    return True


def unsubscribe(*, target, ip: str | None) -> None:
    """The one-click unsubscribe: the consent of the mail's purpose is withdrawn now."""
    with transaction.atomic():
        consent_record(
            user=target.user,
            purpose=target.purpose,
            granted=False,
            ip=ip,
            source=Consent.Source.UNSUBSCRIBE,
        )
        if target.delivery is not None:
            Delivery.objects.filter(pk=target.delivery.pk, unsubscribed_at__isnull=True).update(
                unsubscribed_at=timezone.now()
            )


def deliveries_cancel_for(*, user, purpose: str) -> int:
    """A withdrawn consent (or a stop of use) stops the person's pending mail of that purpose."""
    if purpose not in Campaign.Purpose.values:
        return 0
    pending = Delivery.objects.filter(user=user, campaign__purpose=purpose).values("message_id")
    skipped = outbox_skip(reason=_("consent withdrawn"), pk__in=pending)
    # A worker holding the person's mail in its current batch reads the consent again.
    transaction.on_commit(outbox_changed)
    return skipped


def unsubscribed_already(*, target) -> bool:
    latest = consent_latest(user=target.user, purpose=target.purpose)
    return latest is None or not latest.granted


EDITABLE = (Status.DRAFT, Status.SCHEDULED)


def campaign_edit(
    *, campaign: Campaign, by, changes: dict, origin: AuditOrigin | None = None
) -> Campaign:
    """Staff change a campaign that has not started. The update names the status it read,
    so a scheduled campaign that started meanwhile is refused instead of changed under way;
    a scheduled campaign must stay sendable and keep its time."""
    current = Campaign.objects.filter(pk=campaign.pk).first()
    if current is None or current.status not in EDITABLE:
        raise CampaignError(_("This campaign has started; it can no longer be changed."))
    if not changes:
        return current
    for name, value in changes.items():
        setattr(current, name, value)
    if current.status == Status.SCHEDULED:
        problems = campaign_problems(current)
        if current.scheduled_at is None:
            problems.append(_("A scheduled campaign needs its time."))
        if problems:
            raise CampaignError(" ".join(problems))
    with transaction.atomic():
        moved = Campaign.objects.filter(pk=current.pk, status=current.status).update(**changes)
        if not moved:
            raise CampaignError(_("This campaign has started; it can no longer be changed."))
        audit_write(
            staff=by,
            action=StaffAuditLog.Action.CHANGE,
            obj=current,
            changed_fields=list(changes),
            origin=origin,
        )
    current.refresh_from_db()
    return current
