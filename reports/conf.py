"""Settings of the reports, read from settings.KHLANG with these defaults.

from reports.conf import reports_settings
reports_settings.REPORTS_PLAN_FIRST_FISCAL_YEAR
"""

from __future__ import annotations

from typing import Any

from core.conf import AppSettings

DEFAULTS: dict[str, Any] = {
    # The area plan's first fiscal year (B.E.): its first step of every default
    # target applies to this year, the next step to the next year, and so on.
    "REPORTS_PLAN_FIRST_FISCAL_YEAR": 2569,
    # A school is "active" in a period with at least this many events there.
    "REPORTS_ACTIVE_MIN_EVENTS": 1,
    # Beat interval of the incremental aggregation, in seconds.
    "REPORTS_AGGREGATE_EVERY": 300.0,
}

# Reports' keys share settings.KHLANG with core's (REPORTS_* names keep them apart).
reports_settings = AppSettings("KHLANG", DEFAULTS)
