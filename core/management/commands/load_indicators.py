from django.core.management.base import BaseCommand

from core.csv_import import CsvImportError
from core.importers import INDICATOR_COLUMNS, import_indicators

from ._base import raise_import_error


class Command(BaseCommand):
    help = (
        "นำเข้ามาตรฐานและตัวชี้วัดจาก CSV / Load learning standards and indicators from CSV. "
        f"Columns: {', '.join(INDICATOR_COLUMNS)} [, standard_description]"
    )

    def add_arguments(self, parser):
        parser.add_argument("csv_path")

    def handle(self, csv_path, **options):
        try:
            result = import_indicators(csv_path)
        except CsvImportError as exc:
            raise_import_error(exc)
        self.stdout.write(
            self.style.SUCCESS(
                f"นำเข้าตัวชี้วัดแล้ว: ใหม่ {result.created}, ปรับปรุง {result.updated} / "
                f"indicators loaded: {result.created} created, {result.updated} updated"
            )
        )
