"""``manage.py backup FILE``: the database and every media file in one archive (core.backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, create


class Command(BaseCommand):
    help = "สำรองฐานข้อมูลและไฟล์สื่อ / Back up the database and media files to one archive"

    def add_arguments(self, parser):
        parser.add_argument(
            "target", type=Path, help="archive to write, e.g. khlang-2569-10-01.tar"
        )

    def handle(self, target: Path, **options):
        if not target.parent.is_dir():
            raise CommandError(f"ไม่พบโฟลเดอร์ / folder not found: {target.parent}")
        try:
            manifest = create(target)
        except BackupError as exc:
            raise CommandError(f"สำรองข้อมูลไม่สำเร็จ / backup failed: {exc}") from exc
        size = target.stat().st_size / 1024**2
        self.stdout.write(
            f"สำรองข้อมูลแล้ว / backup written: {target} ({manifest['engine']}, {size:.1f} MB)"
        )
