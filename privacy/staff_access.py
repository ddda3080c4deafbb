"""Staff access to personal data (policy 2.2): second factor, privacy officers, audit.

- Django admin opens only to active staff whose session was signed in with a
  second factor (allauth MFA, TOTP). `staff_admin_login` sends staff without
  one to set it up, or to confirm it, first.
- Only members of the "Privacy officers" group see models that hold personal
  data (`PersonalDataAdminMixin`), superusers included.
- Every admin list, view, addition, change or deletion of such data writes a
  StaffAuditLog row that admin cannot edit or delete. A privacy service that
  changes or decides something writes its own row (`audit_write`), so a decision
  made from a command or a task is logged as well as one made in admin.
"""

from dataclasses import dataclass
from functools import wraps

from allauth.account.decorators import secure_admin_login
from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib import messages
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from kaguaruoo.net import client_ip
from privacy import registry
from privacy.models import StaffAuditLog

PRIVACY_OFFICERS_GROUP = "Privacy officers"


def is_privacy_officer(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.groups.filter(name=PRIVACY_OFFICERS_GROUP).exists()
    )


def privacy_officer_add(*, user) -> None:
    """Put a staff member in the group, which holds the permissions on every personal-data model.

    The permissions are refreshed here, so that models registered by apps added later
    (privacy/registry.py) are covered the next time an officer is appointed.
    """
    group, _created = Group.objects.get_or_create(name=PRIVACY_OFFICERS_GROUP)
    models = {entry.model for entry in registry.entries()}
    models |= set(apps.get_app_config("privacy").get_models())
    content_types = ContentType.objects.get_for_models(*models).values()
    group.permissions.add(*Permission.objects.filter(content_type__in=content_types))
    user.groups.add(group)


def signed_in_with_second_factor(request: HttpRequest) -> bool:
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def staff_has_admin_access(request: HttpRequest) -> bool:
    """admin.site.has_permission: active staff, signed in with a second factor."""
    user = request.user
    return bool(user.is_active and user.is_staff and signed_in_with_second_factor(request))


def staff_admin_login(view):
    """admin.site.login: allauth's sign-in, then the second factor before admin opens."""
    secured = secure_admin_login(view)

    @wraps(view)
    def login(request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and user.is_staff and not signed_in_with_second_factor(request):
            next_query = urlencode({"next": request.GET.get("next") or reverse("admin:index")})
            if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                messages.warning(
                    request, _("Set up an authenticator app before you use the staff site.")
                )
                return redirect(f"{reverse('mfa_activate_totp')}?{next_query}")
            return redirect(f"{reverse('mfa_reauthenticate')}?{next_query}")
        return secured(request, *args, **kwargs)

    return login


@dataclass(frozen=True)
class AuditOrigin:
    """Where a staff member acted from: the page and the address of the request.

    A service that writes an audit row is given one by the admin page or view that
    calls it; called from a command or a task, the row has no path and no address.
    """

    path: str = ""
    ip: str | None = None


def audit_origin(request: HttpRequest) -> AuditOrigin:
    return AuditOrigin(path=request.path[:500], ip=client_ip(request))


def audit_write(
    *,
    staff,
    action: str,
    obj=None,
    model=None,
    changed_fields=(),
    origin: AuditOrigin | None = None,
) -> StaffAuditLog:
    """One row of the staff audit log; services write theirs with the staff member `by`."""
    model = model or type(obj)
    origin = origin or AuditOrigin()
    return StaffAuditLog.objects.create(
        at=timezone.now(),
        staff=staff,
        action=action,
        model=model._meta.label,
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        person=_person_of(obj),
        path=origin.path,
        ip_address=origin.ip,
        changed_fields=list(changed_fields),
    )


def audit_record(
    *, request: HttpRequest, action: str, obj=None, model=None, changed_fields=()
) -> StaffAuditLog:
    """A row for what a staff member did in a request (a look at data, Django admin's own save)."""
    return audit_write(
        staff=request.user,
        action=action,
        obj=obj,
        model=model,
        changed_fields=changed_fields,
        origin=audit_origin(request),
    )


def _person_of(obj):
    if obj is None:
        return None
    entry = registry.entry_for(type(obj))
    if entry is None:
        return None
    if entry.person_field is None:
        return obj if obj.pk else None
    return getattr(obj, entry.person_field, None)


class PersonalDataAdminMixin:
    """For every ModelAdmin of a model holding personal data: officers only, all audited."""

    def _officer(self, request) -> bool:
        return is_privacy_officer(request.user)

    def has_module_permission(self, request):
        return self._officer(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._officer(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return self._officer(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self._officer(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._officer(request) and super().has_delete_permission(request, obj)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200 and self._officer(request):
            audit_record(request=request, action=StaffAuditLog.Action.LIST, model=self.model)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200 and self._officer(request):
            obj = self.get_object(request, object_id)
            if obj is not None:
                audit_record(request=request, action=StaffAuditLog.Action.VIEW, obj=obj)
        return response

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            request=request,
            action=StaffAuditLog.Action.CHANGE if change else StaffAuditLog.Action.ADD,
            obj=obj,
            changed_fields=form.changed_data,
        )

    def delete_model(self, request, obj):
        audit_record(request=request, action=StaffAuditLog.Action.DELETE, obj=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit_record(request=request, action=StaffAuditLog.Action.DELETE, obj=obj)
        super().delete_queryset(request, queryset)


def audit_reason(reason: str) -> str:
    """The reason a staff member gave, as it is kept in an audit row's changed fields.

    Policy 2.2 lets staff read a private conversation, or take a host's listing off the
    site, only for a stated reason; the row of that look or change keeps the reason.
    """
    return f"reason: {reason.strip()}"


def audit_reasoned_look(*, request: HttpRequest, obj, reason: str) -> StaffAuditLog:
    """A look that staff may take only for a reason (a thread between two people)."""
    return audit_record(
        request=request,
        action=StaffAuditLog.Action.VIEW,
        obj=obj,
        changed_fields=[audit_reason(reason)],
    )
