"""Contracts say in which language their signed text is written; those before were English.

SQLite adds a NOT NULL column by rebuilding the table, which drops the triggers that
refuse overlapping signed contracts (0002): they are made again after it.
"""

import importlib

from django.db import migrations, models

no_overlap = importlib.import_module("contracts.migrations.0002_contract_no_overlap")


def sqlite_triggers_restore(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in no_overlap.SQLITE_FORWARD:
        schema_editor.execute(statement.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS"))


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0002_contract_no_overlap"),
    ]

    operations = [
        # Backward, this runs last: after the rebuild that removes the column.
        migrations.RunPython(migrations.RunPython.noop, sqlite_triggers_restore),
        migrations.AddField(
            model_name="contract",
            name="language",
            field=models.CharField(
                choices=[("ja", "日本語"), ("en", "English")],
                default="en",
                max_length=8,
                verbose_name="language of the signed text",
            ),
            preserve_default=False,
        ),
        # Forward, this runs after the rebuild that adds the column.
        migrations.RunPython(sqlite_triggers_restore, migrations.RunPython.noop),
    ]
