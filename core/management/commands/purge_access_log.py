from django.core.management.base import BaseCommand, CommandError

from core.access_log import purge_older_than
from core.conf import khlang_settings
from core.i18n import bilingual, bilingual_lazy
from core.progress import ProgressBar


class Command(BaseCommand):
    help = bilingual_lazy(
        "Delete access-log rows older than the retention period (at least 90 days)"
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None)

    def handle(self, days=None, **options):
        days = days if days is not None else khlang_settings.ACCESS_LOG_RETENTION_DAYS
        bar = None

        def progress(done, total):
            nonlocal bar
            bar = bar or ProgressBar(total, "purge", stream=self.stdout)
            bar.update(done)

        try:
            deleted = purge_older_than(days, progress=progress)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            bilingual("deleted %(count)s rows older than %(days)s days", count=deleted, days=days)
        )
