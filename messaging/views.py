import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaguaruoo.actions import action_redirect, error_text, form_submit
from kaguaruoo.net import client_ip
from kaguaruoo.ratelimit import form_limit_apply
from kaguaruoo.uploads import attachment_response
from listings import stays
from messaging import selectors, services
from messaging.forms import (
    DeliveryRejectForm,
    DeliveryRequestForm,
    InquiryForm,
    MessageForm,
    NotificationPreferenceForm,
)
from messaging.fragments import fragments_render
from messaging.models import DeliveryRequest, Message, Thread

THREADS_PER_PAGE = 30
SUGGESTED_NOTICE = datetime.timedelta(days=14)


@login_required
def thread_list(request):
    page = Paginator(selectors.threads_for_user(user=request.user), THREADS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "messaging/thread_list.html", {"page": page})


@login_required
def inquiry_create(request, listing_pk):
    listing = selectors.listing_get_for_inquiry(user=request.user, pk=listing_pk)
    existing = selectors.thread_of_tenant(listing=listing, tenant=request.user)
    if existing:
        messages.info(request, _("You already have a conversation about this listing."))
        return redirect(existing)
    earlier = services.sharing_agreement_with(tenant=request.user, host=listing.host)
    form = InquiryForm(
        request.POST or None,
        listing=listing,
        needs_consent=earlier is None,
        initial={
            "move_in": max(listing.available_from, timezone.localdate() + SUGGESTED_NOTICE),
            "months": listing.min_months,
            "people": 1,
            **stays.stay_from_query(request.GET),
        },
    )
    thread = _inquiry_send(request, listing, form)
    if thread is not None:
        return redirect(thread)
    response = render(
        request,
        "messaging/inquiry_form.html",
        {
            "form": form,
            "listing": listing,
            "earlier_fields": earlier["shared_fields"] if earlier else None,
        },
    )
    return form_limit_apply(response, form)


def _inquiry_send(request, listing, form: InquiryForm) -> Thread | None:
    """Start the thread from a valid bound form; None if unbound, invalid or refused (the
    refusal on the form)."""
    return form_submit(
        request,
        form,
        lambda data: services.thread_start(
            tenant=request.user,
            listing=listing,
            inquiry=services.Inquiry(
                move_in=data["move_in"],
                months=data["months"],
                people=data["people"],
                body=data["body"],
            ),
            optional_fields=form.optional_fields(),
            agreed=bool(data.get("agree")),
            ip=client_ip(request),
        ),
        done=_("Your inquiry was sent to the host."),
        limit="inquiry",
    )


def _delivery_of(message):
    if message.kind == Message.Kind.DELIVERY_REQUEST:
        return message.delivery_request
    if message.kind == Message.Kind.DELIVERY_DECISION:
        return message.decided_delivery
    return None


def _thread_entries(thread, messages, *, user, unmasked: bool) -> list[dict]:
    """Each message as `user` reads it, with the delivery request it carries and its HTML
    (None where the page renders it itself: a pending request's buttons carry the CSRF
    token)."""
    entries = [
        {
            "message": message,
            "mine": message.sender_id == user.pk,
            "delivery": _delivery_of(message),
        }
        for message in messages
    ]
    htmls = fragments_render(
        entries,
        template="messaging/partials/message.html",
        shown=lambda entry: _entry_key(thread, entry, user=user, unmasked=unmasked),
        context=lambda entry: {"entry": _entry_shown(thread, entry, user=user, unmasked=unmasked)},
        before_rendering=lambda missing: selectors.messages_with_attachments(
            [entry["message"] for entry in missing]
        ),
    )
    for entry, html in zip(entries, htmls, strict=True):
        entry["html"] = html
        if html is None:
            entry.update(_entry_shown(thread, entry, user=user, unmasked=unmasked))
    return entries


def _entry_shown(thread, entry, *, user, unmasked: bool) -> dict:
    """What the message shows `user`: its text and the delivery's, contact details masked."""

    def shown(text):
        # Delivery details are the tenant's words, whoever's message shows them.
        return services.contact_text_for(
            text=text, author_id=thread.tenant_id, viewer=user, unmasked=unmasked
        )

    message, delivery = entry["message"], entry["delivery"]
    return {
        **entry,
        "text": services.message_text_for(message=message, viewer=user, unmasked=unmasked),
        "item": shown(delivery.item) if delivery else "",
        "carrier": shown(delivery.carrier) if delivery else "",
    }


def _entry_key(thread, entry, *, user, unmasked: bool) -> tuple | None:
    """Everything a message's HTML depends on; None for a pending delivery request."""
    message, delivery = entry["message"], entry["delivery"]
    if (
        message.kind == Message.Kind.DELIVERY_REQUEST
        and delivery.status == DeliveryRequest.Status.PENDING
    ):
        return None
    return (
        message.pk,
        message.kind,
        message.body,
        sorted(message.texts.items()) if message.texts else None,
        message.erased,
        message.link,
        message.created_at,
        entry["mine"],
        message.sender.public_name,
        user.pk == thread.tenant_id,
        unmasked,
        # A message's files are stored with it in one transaction and go when it is erased.
        (delivery.pk, delivery.status, delivery.delivery_date, delivery.item, delivery.carrier)
        if delivery
        else None,
    )


def _forms_fields(message_form, delivery_form) -> list[SafeString | None]:
    """The fields of the message form and of the delivery form (if any) as HTML; an unbound
    form's from the cache, since it reads the same to everyone in a language. None for a
    bound form, which the page renders with its errors."""
    forms = [message_form, delivery_form]
    template = "messaging/partials/thread_form_fields.html"
    return fragments_render(
        forms,
        template=template,
        shown=lambda form: None if form is None or form.is_bound else (type(form).__name__,),
        context=lambda form: {"form": form, "is_message_form": form is message_form},
    )


def _cursor(request, name: str) -> int | None:
    """A message id from the query string; None if absent or not a plausible id."""
    value = request.GET.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


def _thread_page(request, thread, *, message_form=None, delivery_form=None, status=200):
    user = request.user
    window = selectors.thread_messages_window(
        thread=thread, before=_cursor(request, "before"), after=_cursor(request, "after")
    )
    unmasked = services.thread_contact_unmasked(thread)
    entries = _thread_entries(thread, window.messages, user=user, unmasked=unmasked)
    if window.messages:
        services.thread_mark_read(thread=thread, user=user, up_to=window.messages[-1].id)
    is_host = user.pk == thread.host_id
    message_form = message_form or MessageForm()
    delivery_form = delivery_form or (None if is_host else DeliveryRequestForm())
    message_fields, delivery_fields = _forms_fields(message_form, delivery_form)
    return render(
        request,
        "messaging/thread_detail.html",
        {
            "thread": thread,
            "listing": thread.listing,
            "cover": selectors.thread_cover_photo(thread=thread),
            "other": thread.other_party(user),
            "is_host": is_host,
            "entries": entries,
            "window": window,
            "message_form": message_form,
            "message_fields": message_fields,
            "delivery_form": delivery_form,
            "delivery_fields": delivery_fields,
            "reject_form": DeliveryRejectForm() if is_host else None,
            "shared": thread.shared_fields,
            "unmasked": unmasked,
        },
        status=status,
    )


@login_required
def thread_detail(request, pk):
    thread = selectors.thread_get_for_party(user=request.user, pk=pk)
    return _thread_page(request, thread)


@login_required
@require_POST
def message_create(request, pk):
    thread = selectors.thread_get_for_party(user=request.user, pk=pk)
    form = MessageForm(request.POST, request.FILES)
    posted = form_submit(
        request,
        form,
        lambda data: services.message_post(
            thread=thread, sender=request.user, body=data["body"], attachment=data["attachment"]
        ),
        error_field=_attachment_error_field,
        limit="message",
    )
    if posted:
        return redirect(thread.get_absolute_url() + "#latest")
    return form_limit_apply(_thread_page(request, thread, message_form=form, status=400), form)


def _attachment_error_field(error: ValidationError) -> str | None:
    return "attachment" if error.code in ("file_type", "too_large") else None


@login_required
def attachment_download(request, pk, attachment_pk):
    thread = selectors.thread_get_for_party(user=request.user, pk=pk)
    attachment = selectors.attachment_get_for_thread(thread=thread, pk=attachment_pk)
    return attachment_response(
        file=attachment.file,
        content_type=attachment.content_type,
        filename=attachment.original_name,
    )


@login_required
@require_POST
def delivery_create(request, pk):
    thread = selectors.thread_get_for_tenant(user=request.user, pk=pk)
    form = DeliveryRequestForm(request.POST)
    sent = form_submit(
        request,
        form,
        lambda data: services.delivery_request_create(thread=thread, by=request.user, **data),
        done=_("Your delivery request was sent to the host."),
    )
    if sent:
        return redirect(thread.get_absolute_url() + "#latest")
    return _thread_page(request, thread, delivery_form=form, status=400)


DELIVERY_ACTIONS = {
    "accept": DeliveryRequest.Status.ACCEPTED,
    "reject": DeliveryRequest.Status.REJECTED,
    "cancel": DeliveryRequest.Status.CANCELLED,
}


@login_required
@require_POST
def delivery_action(request, pk, delivery_pk, action):
    thread = selectors.thread_get_for_party(user=request.user, pk=pk)
    delivery = selectors.delivery_get_for_thread(thread=thread, pk=delivery_pk)
    if action not in DELIVERY_ACTIONS:
        raise Http404
    reason = ""
    if action == "reject":
        form = DeliveryRejectForm(request.POST)
        if not form.is_valid():
            messages.error(request, error_text(ValidationError(form.errors["reason"])))
            return _thread_page(request, thread, status=400)
        reason = form.cleaned_data["reason"]
    return action_redirect(
        request,
        lambda: services.delivery_request_transition(
            delivery=delivery, by=request.user, to=DELIVERY_ACTIONS[action], reason=reason
        ),
        done=_("Delivery request updated."),
        to=thread,
        illegal=_("This delivery request cannot be changed that way any more."),
    )


@login_required
def preference_edit(request):
    preference = selectors.notification_preference_of(user=request.user)
    # An unticked box posts nothing: bind on the method, not on the data.
    form = NotificationPreferenceForm(
        request.POST if request.method == "POST" else None,
        instance=preference,
        initial={"email_on_message": selectors.email_on_message(user=request.user)},
    )
    if request.method == "POST" and form.is_valid():
        services.notification_preference_set(
            user=request.user, email_on_message=form.cleaned_data["email_on_message"]
        )
        messages.success(request, _("Your notification settings were saved."))
        return redirect("messaging:preferences")
    return render(request, "messaging/notificationpreference_form.html", {"form": form})
