"""manage.py reindex_catalog [--source NAME ...] [--batch-size N] [--restart]"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_noop

from core.i18n import bilingual
from core.progress import ProgressBar
from search.registry import sources
from search.reindex import reindex


class Command(BaseCommand):
    help = "Rebuild the search catalog from its sources; resumes an interrupted run."

    def add_arguments(self, parser):
        parser.add_argument("--source", action="append", dest="sources", metavar="NAME")
        parser.add_argument("--batch-size", type=int, default=200)
        parser.add_argument("--restart", action="store_true", help="ignore an unfinished run")
        parser.add_argument("--list", action="store_true", help="list the catalog sources")

    def handle(self, *args, **options):
        if options["list"]:
            for source in sources():
                self.stdout.write(f"{source.name}\t{source.get_model()._meta.label}")
            return
        if options["batch_size"] < 1:
            raise CommandError(bilingual(gettext_noop("--batch-size must be at least 1")))
        bar: ProgressBar | None = None

        def progress(total: int, done: int) -> None:
            nonlocal bar
            if bar is None:
                bar = ProgressBar(
                    total, label=bilingual(gettext_noop("catalog")), stream=self.stdout
                )
            bar.update(done)

        try:
            run = reindex(
                options["sources"],
                batch_size=options["batch_size"],
                restart=options["restart"],
                progress=progress,
            )
        except LookupError as error:
            raise CommandError(str(error)) from error
        if bar is not None:
            bar.finish()
        self.stdout.write(
            self.style.SUCCESS(
                bilingual(
                    gettext_noop("done: %(count)s source(s), backend %(backend)s"),
                    count=len(run.done_sources),
                    backend=run.backend,
                )
            )
        )
