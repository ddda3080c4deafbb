"""Two signed contracts for one listing never cover the same night.

PostgreSQL: an exclusion constraint on the listing and the [start, end) date
range of signed contracts (btree_gist lets `listing_id WITH =` share the GiST
index). SQLite, which has no exclusion constraints, gets triggers that refuse
the same rows; its writers are serialised, so the check cannot race.
"""

from django.db import migrations

PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """
    ALTER TABLE contracts_contract ADD CONSTRAINT contract_no_overlapping_signed
    EXCLUDE USING gist (
        listing_id WITH =,
        daterange(start_date, end_date, '[)') WITH &&
    ) WHERE (status = 'signed')
    """,
]
PG_BACKWARD = [
    "ALTER TABLE contracts_contract DROP CONSTRAINT contract_no_overlapping_signed",
]

SQLITE_CHECK = """
    WHEN NEW.status = 'signed' AND EXISTS (
        SELECT 1 FROM contracts_contract other
        WHERE other.listing_id = NEW.listing_id
          AND other.status = 'signed'
          AND other.id != NEW.id
          AND other.start_date < NEW.end_date
          AND NEW.start_date < other.end_date
    )
    BEGIN
        SELECT RAISE(ABORT, 'contract_no_overlapping_signed');
    END
"""
SQLITE_FORWARD = [
    "CREATE TRIGGER contract_no_overlapping_signed_insert BEFORE INSERT ON contracts_contract"
    + SQLITE_CHECK,
    "CREATE TRIGGER contract_no_overlapping_signed_update BEFORE UPDATE ON contracts_contract"
    + SQLITE_CHECK,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER contract_no_overlapping_signed_insert",
    "DROP TRIGGER contract_no_overlapping_signed_update",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("contracts", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
