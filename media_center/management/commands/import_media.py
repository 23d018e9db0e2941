from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.csv_import import CsvImportError
from core.i18n import bilingual, bilingual_lazy
from core.management.commands._base import raise_import_error
from core.models import AreaOffice, School
from core.progress import ProgressBar
from media_center.importer import COLUMNS, OPTIONAL, check_rows, import_library


class Command(BaseCommand):
    help = bilingual_lazy(
        "Import a media library from a folder and a CSV (checked first, resumable)."
        " Columns: %(columns)s [, %(optional)s]",
        columns=", ".join(COLUMNS),
        optional=", ".join(OPTIONAL),
    )

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("csv_path")
        parser.add_argument("--school", help=bilingual_lazy("owner school code"))
        parser.add_argument("--area", help=bilingual_lazy("owner area office code"))
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
            raise CommandError(
                bilingual("school or area not found: %(error)s", error=exc)
            ) from None
        except get_user_model().DoesNotExist:
            raise CommandError(bilingual("no user %(user)s", user=user)) from None
        try:
            total = len(check_rows(Path(folder), Path(csv_path)))
            bar = ProgressBar(total, bilingual("importing media"), stream=self.stdout)
            result = import_library(
                folder, csv_path, owner_school=owner_school, owner_area=owner_area,
                user=uploader, on_row=bar.update,
            )  # fmt: skip
        except CsvImportError as exc:
            raise_import_error(exc)
        bar.finish()
        self.stdout.write(
            self.style.SUCCESS(
                bilingual(
                    "imported %(created)s, skipped %(skipped)s already imported",
                    created=result.created,
                    skipped=result.skipped,
                )
            )
        )
