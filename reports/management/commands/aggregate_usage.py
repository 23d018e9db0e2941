"""Run the incremental aggregation now, or rebuild every aggregate from the raw events.

manage.py aggregate_usage            # what the beat task does
manage.py aggregate_usage --rebuild  # forget the watermark (after changing counting rules)
"""

from django.core.management.base import BaseCommand

from core.i18n import bilingual, bilingual_lazy
from core.thaidate import fiscal_year
from reports.aggregation import aggregate_pending, rebuild_all
from reports.kpis import refresh_snapshots
from reports.periods import current_fiscal_year


class Command(BaseCommand):
    help = bilingual_lazy("aggregate usage events into the report tables")

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true")

    def handle(self, *args, rebuild: bool = False, **options):
        result = rebuild_all() if rebuild else aggregate_pending()
        years = {fiscal_year(start) for start in result.fiscal_year_starts}
        for year in sorted(years | {current_fiscal_year()}):
            refresh_snapshots(year)
        self.stdout.write(
            bilingual(
                "aggregated %(days)s days in %(seconds).1fs",
                days=len(result.days),
                seconds=result.seconds,
            )
        )
