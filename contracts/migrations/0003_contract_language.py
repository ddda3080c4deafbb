"""Contracts say in which language their signed text is written; those before were English."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0002_contract_no_overlap"),
    ]

    operations = [
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
    ]
