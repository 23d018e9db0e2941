from django.core.management.base import BaseCommand, CommandError

from core.csv_import import CsvImportError
from core.importers import SCHOOL_COLUMNS, SCHOOL_OPTIONAL, import_schools
from core.models import AreaOffice

from ._base import raise_import_error


class Command(BaseCommand):
    help = (
        "นำเข้าโรงเรียนจากไฟล์ CSV (ทั้งไฟล์หรือไม่เลย) / Import schools from CSV, all or nothing. "
        f"Columns: {', '.join(SCHOOL_COLUMNS)} [, {', '.join(SCHOOL_OPTIONAL)}]"
    )

    def add_arguments(self, parser):
        parser.add_argument("csv_path")
        parser.add_argument("--area", required=True, help="area office code (รหัสเขต)")
        parser.add_argument("--area-name", help="create the area office with this name if missing")

    def handle(self, csv_path, area, area_name=None, **options):
        try:
            office = AreaOffice.objects.get(code=area)
        except AreaOffice.DoesNotExist:
            if not area_name:
                raise CommandError(
                    f"ไม่พบเขตพื้นที่รหัส {area} (ใส่ --area-name เพื่อสร้าง) / "
                    f"no area office with code {area} (pass --area-name to create it)"
                ) from None
            office = AreaOffice.objects.create(code=area, name=area_name)
        try:
            result = import_schools(csv_path, office)
        except CsvImportError as exc:
            raise_import_error(exc)
        self.stdout.write(
            self.style.SUCCESS(
                f"นำเข้าโรงเรียนแล้ว: ใหม่ {result.created}, ปรับปรุง {result.updated} / "
                f"schools imported: {result.created} created, {result.updated} updated"
            )
        )
