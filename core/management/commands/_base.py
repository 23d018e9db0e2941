"""Shared pieces for core's management commands."""

from django.core.management.base import CommandError

from core.csv_import import CsvImportError


def raise_import_error(exc: CsvImportError) -> None:
    count = len(exc.errors)
    raise CommandError(
        f"นำเข้าไม่สำเร็จ ไม่มีการบันทึกข้อมูลใด ๆ ({count} ข้อผิดพลาด) / "
        f"import failed, nothing was written ({count} errors):\n{exc}"
    )
