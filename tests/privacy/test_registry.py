"""The registry of personal data covers every model that points at a person."""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

from privacy import registry
from privacy.models import Consent

PROJECT_APPS = {"accounts", "listings", "messaging", "contracts", "privacy", "campaigns"}
SIGN_IN_APPS = {"account", "mfa"}


def user_fields(model):
    user_model = get_user_model()
    return [
        field.name
        for field in model._meta.get_fields()
        if isinstance(field, models.ForeignKey | models.OneToOneField)
        and field.related_model is user_model
        and not field.auto_created
    ]


def test_every_model_with_a_foreign_key_to_the_user_is_in_the_registry():
    missing = []
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS | SIGN_IN_APPS:
            continue
        for name in user_fields(model):
            entry = registry.entry_for(model)
            if entry is None or (
                name != entry.person_field and name not in entry.other_user_fields
            ):
                missing.append(f"{model._meta.label}.{name}")
    assert missing == [], f"not in any <app>/personal_data.py: {missing}"


def test_the_user_model_itself_is_in_the_registry():
    entry = registry.entry_for(get_user_model())

    assert entry is not None and entry.person_field is None


def test_keeping_rows_without_naming_the_law_is_refused():
    entry = registry.PersonalData(model=Consent, person_field="user", erase=registry.Erase.KEEP)

    try:
        registry.register(entry)
    except ValueError as error:
        assert "Retention" in str(error)
    else:
        raise AssertionError("Erase.KEEP without a Retention was accepted")
    assert registry.entry_for(Consent).erase == registry.Erase.DELETE
