"""Write a USB bundle: manage.py mirror_export_bundle DEST [--school CODE]."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mirror.errors import MirrorError
from mirror.management import progress_factory


class Command(BaseCommand):
    help = "ส่งออกชุดข้อมูลลง USB / export a USB bundle"

    def add_arguments(self, parser):
        parser.add_argument("destination")
        parser.add_argument("--school", default=None, help="one school's bundle (with its users)")

    def handle(self, *args, **options):
        from mirror.bundle import export_bundle

        try:
            manifest = export_bundle(
                Path(options["destination"]), options["school"], progress_factory(self)
            )
        except (MirrorError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"ส่งออกแล้ว / exported: {manifest['entries']} entries, {manifest['files']} files, "
            f"{manifest['bytes']} bytes"
        )
