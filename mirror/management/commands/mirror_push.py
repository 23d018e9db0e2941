"""Send results recorded on this mirror up to central: manage.py mirror_push."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from mirror.errors import MirrorError
from mirror.management import progress_factory


class Command(BaseCommand):
    help = "ส่งผลการเรียนขึ้นส่วนกลาง / push results to central"

    def handle(self, *args, **options):
        from mirror.push import PushManager

        try:
            result = PushManager(progress=progress_factory(self)).run()
        except MirrorError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"ส่งแล้ว / pushed: {result.sent} rows, {result.accepted} new, "
            f"{result.duplicates} already there"
        )
