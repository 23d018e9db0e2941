"""Pull new content from central now: manage.py mirror_sync [--force] [--bandwidth-kbps N]."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_noop

from mirror.errors import MirrorError
from mirror.management import progress_factory, say


class Command(BaseCommand):
    help = say(gettext_noop("sync content from central"))

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="ignore the time window")
        parser.add_argument("--bandwidth-kbps", type=int, default=None)

    def handle(self, *args, **options):
        from mirror.client import CentralClient
        from mirror.sync import SyncManager

        try:
            client = CentralClient(bandwidth_kbps=options["bandwidth_kbps"])
            result = SyncManager(client=client, progress=progress_factory(self)).run(
                force=options["force"]
            )
        except MirrorError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            say(
                gettext_noop(
                    "synced: version %(version)s, %(entries)s entries, %(files)s files, "
                    "%(bytes)s bytes"
                ),
                version=result.version,
                entries=result.entries_applied,
                files=result.files_fetched,
                bytes=result.bytes_fetched,
            )
        )
