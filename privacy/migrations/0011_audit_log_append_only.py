"""On PostgreSQL, the staff audit log refuses UPDATE and DELETE (policy 2.2).

Admin already offers no way to change it; this makes the database refuse too, so
that no code path, shell session or SQL client of the application role can. The
180-day purges never touch this table. (SQLite, used in development, has no such
guard: its test flush deletes rows one statement at a time.)
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION privacy_staffauditlog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the staff audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER privacy_staffauditlog_append_only
    BEFORE UPDATE OR DELETE ON privacy_staffauditlog
    FOR EACH ROW EXECUTE FUNCTION privacy_staffauditlog_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS privacy_staffauditlog_append_only ON privacy_staffauditlog;
DROP FUNCTION IF EXISTS privacy_staffauditlog_append_only();
"""


def create_guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0010_revision_corrections")]
    operations = [migrations.RunPython(create_guard, drop_guard)]
