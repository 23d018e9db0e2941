"""An index on core_usageevent.received_at for the incremental aggregation.

The aggregation finds newly received events by ``received_at``; without an index
that is a full scan of millions of rows every few minutes. The index belongs to
the reports' way of reading the table, so it is created here, by name, on both
SQLite and PostgreSQL, and dropped when this migration is reversed.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial"), ("core", "0004_usage_event")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS reports_usageevent_received_idx "
            "ON core_usageevent (received_at)",
            "DROP INDEX IF EXISTS reports_usageevent_received_idx",
        )
    ]
