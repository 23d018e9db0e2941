"""Write a USB bundle: manage.py mirror_export_bundle DEST [--school CODE]."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_noop

from mirror.errors import MirrorError
from mirror.management import progress_factory, say


class Command(BaseCommand):
    help = say(gettext_noop("export a USB bundle"))

    def add_arguments(self, parser):
        parser.add_argument("destination")
        parser.add_argument(
            "--school",
            default=None,
            help="one school's bundle: its mirror's selection and ceiling, its accounts",
        )
        parser.add_argument(
            "--originals", action="store_true", help="include uploads as they came (large)"
        )

    def handle(self, *args, **options):
        from mirror.bundle import export_bundle

        try:
            manifest = export_bundle(
                Path(options["destination"]),
                options["school"],
                progress_factory(self),
                originals=options["originals"],
            )
        except (MirrorError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            say(
                gettext_noop("exported: %(entries)s entries, %(files)s files, %(bytes)s bytes"),
                entries=manifest["entries"],
                files=manifest["files"],
                bytes=manifest["bytes"],
            )
        )
