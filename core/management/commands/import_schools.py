from django.core.management.base import BaseCommand, CommandError

from core.csv_import import CsvImportError
from core.i18n import bilingual, bilingual_lazy
from core.importers import SCHOOL_COLUMNS, SCHOOL_OPTIONAL, import_schools
from core.models import AreaOffice

from ._base import raise_import_error


class Command(BaseCommand):
    help = bilingual_lazy(
        "Import schools from CSV, all or nothing. Columns: %(columns)s [, %(optional)s]",
        columns=", ".join(SCHOOL_COLUMNS),
        optional=", ".join(SCHOOL_OPTIONAL),
    )

    def add_arguments(self, parser):
        parser.add_argument("csv_path")
        parser.add_argument("--area", required=True, help=bilingual_lazy("area office code"))
        parser.add_argument("--area-name", help="create the area office with this name if missing")

    def handle(self, csv_path, area, area_name=None, **options):
        try:
            office = AreaOffice.objects.get(code=area)
        except AreaOffice.DoesNotExist:
            if not area_name:
                raise CommandError(
                    bilingual(
                        "no area office with code %(area)s (pass --area-name to create it)",
                        area=area,
                    )
                ) from None
            office = AreaOffice.objects.create(code=area, name=area_name)
        try:
            result = import_schools(csv_path, office)
        except CsvImportError as exc:
            raise_import_error(exc)
        self.stdout.write(
            self.style.SUCCESS(
                bilingual(
                    "schools imported: %(created)s created, %(updated)s updated",
                    created=result.created,
                    updated=result.updated,
                )
            )
        )
