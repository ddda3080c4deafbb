"""Publish the customer's privacy policy, verbatim, as version 1."""

import datetime
from pathlib import Path

from django.db import migrations

POLICY_FILE = Path(__file__).resolve().parent.parent / "policy" / "privacy_policy_v1.txt"
PUBLISHED_AT = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)


def publish_version_1(apps, schema_editor):
    PolicyVersion = apps.get_model("privacy", "PolicyVersion")
    PolicyVersion.objects.get_or_create(
        version=1,
        defaults={"text": POLICY_FILE.read_text(encoding="utf-8"), "published_at": PUBLISHED_AT},
    )


def withdraw_version_1(apps, schema_editor):
    apps.get_model("privacy", "PolicyVersion").objects.filter(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]
    operations = [migrations.RunPython(publish_version_1, withdraw_version_1)]
