"""Shared pieces for core's management commands."""

from django.core.management.base import CommandError

from core.csv_import import CsvImportError
from core.i18n import bilingual


def raise_import_error(exc: CsvImportError) -> None:
    count = len(exc.errors)
    raise CommandError(
        bilingual("import failed, nothing was written (%(count)s errors):", count=count)
        + f"\n{exc}"
    )
