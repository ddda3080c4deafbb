"""The published policy, and each person's own privacy page."""

import json
from pathlib import PurePosixPath

from allauth.account.decorators import reauthentication_required
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kaguaruoo.net import client_ip
from kaguaruoo.uploads import UPLOAD_TYPES, attachment_response
from privacy import analytics, registry
from privacy.anonymised import MINIMUM_GROUP, published_items
from privacy.forms import ConsentsForm, IdentityDocumentForm, PrivacyRequestForm
from privacy.models import Consent, PrivacyRequest, StaffAuditLog
from privacy.selectors import (
    USER_CHOSEN_PURPOSES,
    anonymised_exports_published,
    consent_history,
    consent_states,
    identity_document_get_for_officer,
    identity_verification_latest,
    policy_current,
    policy_get,
    policy_history,
    privacy_request_get_for_user,
    privacy_requests_of,
    provision_records_about,
)
from privacy.services import (
    PrivacyError,
    anonymised_export_create,
    archive_token_read,
    consent_record,
    consents_update,
    identity_document_submit,
    policy_acknowledge,
    privacy_request_file,
)
from privacy.staff_access import (
    audit_origin,
    audit_record,
    is_privacy_officer,
    staff_has_admin_access,
)


def policy(request):
    current = policy_current()
    if current is None:
        raise Http404("No privacy policy has been published.")
    return render(
        request,
        "privacy/policy_detail.html",
        {"policy": current, "history": policy_history(), "is_current": True},
    )


def policy_version(request, version):
    shown = policy_get(version=version)
    current = policy_current()
    return render(
        request,
        "privacy/policy_detail.html",
        {
            "policy": shown,
            "history": policy_history(),
            "is_current": current is not None and shown.pk == current.pk,
        },
    )


@login_required
@require_POST
def policy_acknowledge_view(request):
    policy_acknowledge(user=request.user, ip=client_ip(request))
    messages.success(request, _("Thank you. Your acknowledgement of the policy was recorded."))
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    return redirect(next_url)


@login_required
def privacy_me(request):
    states = consent_states(user=request.user)
    initial = {purpose: bool(c and c.granted) for purpose, c in states.items()}
    # Unticking every box posts no field at all: bind on the method, not on the data.
    data = request.POST if request.method == "POST" else None
    form = ConsentsForm(data, initial=initial, purposes=USER_CHOSEN_PURPOSES)
    if request.method == "POST" and form.is_valid():
        changed = consents_update(
            user=request.user,
            choices=form.cleaned_data,
            ip=client_ip(request),
            source=Consent.Source.PRIVACY_PAGE,
        )
        if changed:
            messages.success(request, _("Your choices were saved."))
        else:
            messages.info(request, _("Nothing changed."))
        return redirect("privacy:me")
    return render(
        request,
        "privacy/privacy_me.html",
        {
            "form": form,
            "consent_history": consent_history(user=request.user)[:50],
            "provisions": provision_records_about(person=request.user),
            "privacy_requests": privacy_requests_of(user=request.user),
            "identity": identity_verification_latest(user=request.user),
        },
    )


@login_required
@reauthentication_required
def privacy_me_download(request):
    """All the data held about the signed-in person, as one JSON file."""
    payload = {
        "generated_at": timezone.now().isoformat(),
        "user_id": request.user.pk,
        "data": registry.export_for(request.user),
    }
    response = HttpResponse(
        json.dumps(payload, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="kaguaruoo-my-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@reauthentication_required
def privacy_request_new(request):
    """File a request. The password was just re-entered: that is the identity check."""
    form = PrivacyRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        privacy_request_file(
            user=request.user,
            kind=form.cleaned_data["kind"],
            details=form.cleaned_data["details"],
            corrections=form.corrections(),
            identity_check=PrivacyRequest.IdentityCheck.REAUTHENTICATION,
            ip=client_ip(request),
        )
        messages.success(request, _("Your request was received. We answer within 14 days."))
        return redirect("privacy:me")
    return render(request, "privacy/privacyrequest_form.html", {"form": form})


@login_required
def archive_download(request, token):
    """The archive of a disclosure, for its own person only, while the mailed link is valid."""
    request_id = archive_token_read(token=token)
    if request_id is None:
        raise Http404("This link has expired.")
    privacy_request = privacy_request_get_for_user(user=request.user, pk=request_id)
    expires = privacy_request.archive_expires_at
    if not privacy_request.archive or expires is None or expires < timezone.now():
        raise Http404("This archive is no longer available.")
    response = FileResponse(
        privacy_request.archive.open("rb"),
        as_attachment=True,
        filename=f"kaguaruoo-data-request-{privacy_request.pk}.zip",
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def identity_document_upload(request):
    form = IdentityDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            identity_document_submit(
                user=request.user,
                document_type=form.cleaned_data["document_type"],
                document=form.cleaned_data["document"],
                number_side=form.cleaned_data["number_side"],
            )
        except PrivacyError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            form.add_error("document", error)
        else:
            messages.success(request, _("Thank you. A privacy officer will review your document."))
            return redirect("privacy:me")
    status = 400 if form.errors else 200
    return render(request, "privacy/identityverification_form.html", {"form": form}, status=status)


@login_required
def identity_document_for_officer(request, pk):
    """The document file, streamed to a privacy officer only; each look is audited."""
    if not is_privacy_officer(request.user) or not staff_has_admin_access(request):
        raise Http404
    verification = identity_document_get_for_officer(pk=pk)
    audit_record(request=request, action=StaffAuditLog.Action.VIEW, obj=verification)
    # Documents stored before they were checked keep the uploader's extension: those, and
    # any name the checked types do not give, download as bytes of no known type.
    extension = PurePosixPath(verification.document.name).suffix.lower()
    content_type = UPLOAD_TYPES.get(extension, "application/octet-stream")
    response = attachment_response(
        file=verification.document,
        content_type=content_type,
        filename=f"identity-document-{verification.pk}{extension}",
        download=True,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def cookie_choice(request):
    """The cookie notice's Accept or Decline for analytics cookies."""
    accepted = request.POST.get("choice") == analytics.ACCEPTED
    if request.user.is_authenticated:
        consent_record(
            user=request.user,
            purpose=Consent.Purpose.ANALYTICS,
            granted=accepted,
            ip=client_ip(request),
            source=Consent.Source.COOKIE_NOTICE,
        )
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    response = redirect(next_url)
    response.set_cookie(
        analytics.CHOICE_COOKIE,
        analytics.ACCEPTED if accepted else analytics.DECLINED,
        max_age=analytics.ONE_YEAR,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


BEACON_GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00"
    b"\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def beacon(request):
    """The page-view beacon; the access log counts it. Without consent it answers nothing."""
    if not analytics.analytics_allowed(request):
        return HttpResponse(status=204)
    response = HttpResponse(BEACON_GIF, content_type="image/gif")
    response["Cache-Control"] = "no-store"
    return response


def anonymised_data(request):
    """What anonymously processed information contains, and when it was made (APPI art. 43)."""
    return render(
        request,
        "privacy/anonymised_data.html",
        {
            "items": published_items(),
            "exports": anonymised_exports_published()[:50],
            "minimum_group": MINIMUM_GROUP,
        },
    )


@require_http_methods(["GET", "POST"])
def anonymised_export(request):
    """The CSV for staff signed in with a second factor; every export is audited.

    Each export is recorded and published, so only a POST makes one: a GET (a link
    followed, a prefetch) shows the button that does.
    """
    if not staff_has_admin_access(request):
        raise Http404
    if request.method == "GET":
        context = {**admin.site.each_context(request), "title": _("Anonymised export")}
        response = render(request, "admin/privacy/anonymised_export_confirm.html", context)
        response["Cache-Control"] = "private, no-store"
        return response
    export, content = anonymised_export_create(by=request.user, origin=audit_origin(request))
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    filename = f"kaguaruoo-anonymised-{export.created_at:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
