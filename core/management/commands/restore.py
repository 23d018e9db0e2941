"""``manage.py restore FILE``: replace the database and media files with a backup's."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore
from core.i18n import bilingual, bilingual_lazy


class Command(BaseCommand):
    help = bilingual_lazy("Restore the database and media files from a backup archive")

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path)
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(self, source: Path, interactive: bool, **options):
        if not source.is_file():
            raise CommandError(bilingual("backup file not found: %(path)s", path=source))
        if interactive:
            answer = input(bilingual("This replaces all data; type yes:") + " ")
            if answer.strip().lower() != "yes":
                raise CommandError(bilingual("cancelled"))
        try:
            manifest = restore(source)
        except BackupError as exc:
            raise CommandError(
                bilingual("restore failed, nothing changed: %(error)s", error=exc)
            ) from exc
        self.stdout.write(
            bilingual(
                "restored from %(path)s (made %(created)s)",
                path=source,
                created=manifest["created"],
            )
        )
