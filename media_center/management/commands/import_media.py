from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.csv_import import CsvImportError
from core.management.commands._base import raise_import_error
from core.models import AreaOffice, School
from core.progress import ProgressBar
from media_center.importer import COLUMNS, OPTIONAL, check_rows, import_library


class Command(BaseCommand):
    help = (
        "นำเข้าคลังสื่อจากโฟลเดอร์และไฟล์ CSV (ตรวจทั้งไฟล์ก่อน ทำต่อได้เมื่อสะดุด) / "
        "Import a media library from a folder and a CSV (checked first, resumable). "
        f"Columns: {', '.join(COLUMNS)} [, {', '.join(OPTIONAL)}]"
    )

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("csv_path")
        parser.add_argument("--school", help="owner school code (รหัสโรงเรียน)")
        parser.add_argument("--area", help="owner area office code (รหัสเขต)")
        parser.add_argument("--user", help="username recorded as the uploader")

    def handle(self, folder, csv_path, school=None, area=None, user=None, **options):
        owner_school = owner_area = uploader = None
        try:
            if school:
                owner_school = School.objects.get(code=school)
            if area:
                owner_area = AreaOffice.objects.get(code=area)
            if user:
                uploader = get_user_model().objects.get(username=user)
        except (School.DoesNotExist, AreaOffice.DoesNotExist) as exc:
            raise CommandError(f"ไม่พบโรงเรียนหรือเขต / school or area not found: {exc}") from None
        except get_user_model().DoesNotExist:
            raise CommandError(f"ไม่พบผู้ใช้ {user} / no user {user}") from None
        try:
            total = len(check_rows(Path(folder), Path(csv_path)))
            bar = ProgressBar(total, "นำเข้าสื่อ / importing media", stream=self.stdout)
            result = import_library(
                folder, csv_path, owner_school=owner_school, owner_area=owner_area,
                user=uploader, on_row=bar.update,
            )  # fmt: skip
        except CsvImportError as exc:
            raise_import_error(exc)
        bar.finish()
        self.stdout.write(
            self.style.SUCCESS(
                f"นำเข้าแล้ว {result.created} รายการ ข้าม {result.skipped} (นำเข้าไว้ก่อนแล้ว) / "
                f"imported {result.created}, skipped {result.skipped} already imported"
            )
        )
