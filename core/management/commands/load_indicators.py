from django.core.management.base import BaseCommand

from core.csv_import import CsvImportError
from core.i18n import bilingual, bilingual_lazy
from core.importers import INDICATOR_COLUMNS, import_indicators

from ._base import raise_import_error


class Command(BaseCommand):
    help = bilingual_lazy(
        "Load learning standards and indicators from CSV. Columns: %(columns)s"
        " [, standard_description]",
        columns=", ".join(INDICATOR_COLUMNS),
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
                bilingual(
                    "indicators loaded: %(created)s created, %(updated)s updated",
                    created=result.created,
                    updated=result.updated,
                )
            )
        )
