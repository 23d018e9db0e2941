"""``manage.py restore FILE``: replace the database and media files with a backup's."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore


class Command(BaseCommand):
    help = "กู้คืนจากไฟล์สำรอง / Restore the database and media files from a backup archive"

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path)
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(self, source: Path, interactive: bool, **options):
        if not source.is_file():
            raise CommandError(f"ไม่พบไฟล์สำรอง / backup file not found: {source}")
        if interactive:
            answer = input("ข้อมูลปัจจุบันจะถูกแทนที่ทั้งหมด พิมพ์ yes / This replaces all data; type yes: ")
            if answer.strip().lower() != "yes":
                raise CommandError("ยกเลิก / cancelled")
        try:
            manifest = restore(source)
        except BackupError as exc:
            raise CommandError(
                f"กู้คืนไม่สำเร็จ ข้อมูลเดิมไม่เปลี่ยน / restore failed, nothing changed: {exc}"
            ) from exc
        self.stdout.write(f"กู้คืนแล้ว / restored from {source} (made {manifest['created']})")
