"""``manage.py backup FILE``: the database and every media file in one archive (core.backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, create
from core.i18n import bilingual, bilingual_lazy


class Command(BaseCommand):
    help = bilingual_lazy("Back up the database and media files to one archive")

    def add_arguments(self, parser):
        parser.add_argument(
            "target", type=Path, help="archive to write, e.g. khlang-2569-10-01.tar"
        )

    def handle(self, target: Path, **options):
        if not target.parent.is_dir():
            raise CommandError(bilingual("folder not found: %(path)s", path=target.parent))
        try:
            manifest = create(target)
        except BackupError as exc:
            raise CommandError(bilingual("backup failed: %(error)s", error=exc)) from exc
        size = target.stat().st_size / 1024**2
        self.stdout.write(
            bilingual(
                "backup written: %(path)s (%(engine)s, %(size).1f MB)",
                path=target,
                engine=manifest["engine"],
                size=size,
            )  # fmt: skip
        )
