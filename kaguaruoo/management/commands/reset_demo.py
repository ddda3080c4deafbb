import shutil
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


class Command(BaseCommand):
    help = (
        "Start the demo over: delete the SQLite database and the uploaded files under "
        "var/, then migrate and load the demo data. Development only."
    )

    def handle(self, *args, **options):
        database, media = self._targets()
        connections.close_all()
        for suffix in ("", "-journal", "-wal", "-shm"):
            database.with_name(database.name + suffix).unlink(missing_ok=True)
        shutil.rmtree(media, ignore_errors=True)
        self.stdout.write(f"Deleted {database} and {media}.")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_demo", stdout=self.stdout)

    def _targets(self) -> tuple[Path, Path]:
        """The database file and media folder to delete; refuses anything outside VAR_DIR."""
        if not settings.DEBUG:
            raise CommandError("reset_demo only runs with DEBUG on: it deletes the database.")
        var_dir = Path(settings.VAR_DIR)
        config = settings.DATABASES[DEFAULT_DB_ALIAS]
        database = Path(str(config["NAME"]))
        if not config["ENGINE"].endswith("sqlite3") or not _inside(database, var_dir):
            raise CommandError(
                f"reset_demo only deletes a SQLite database under {var_dir}; "
                "DATABASE_URL points elsewhere, so nothing was deleted."
            )
        media = Path(settings.MEDIA_ROOT)
        if not _inside(media, var_dir):
            raise CommandError(
                f"reset_demo only deletes uploaded files under {var_dir}; "
                f"MEDIA_ROOT is {media}, so nothing was deleted."
            )
        return database, media
