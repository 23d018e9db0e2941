import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from core import thaidate


def test_buddhist_era_year():
    assert thaidate.be_year(2026) == 2569


@pytest.mark.parametrize(
    "day, fiscal_year",
    [
        (dt.date(2026, 9, 30), 2569),  # last day of FY 2569
        (dt.date(2026, 10, 1), 2570),  # first day of FY 2570
        (dt.date(2026, 12, 31), 2570),
        (dt.date(2027, 1, 1), 2570),
        (dt.date(2027, 9, 30), 2570),
    ],
)
def test_fiscal_year_boundaries(day, fiscal_year):
    assert thaidate.fiscal_year(day) == fiscal_year


def test_fiscal_year_bounds_round_trip():
    first, last = thaidate.fiscal_year_bounds(2570)
    assert (first, last) == (dt.date(2026, 10, 1), dt.date(2027, 9, 30))
    assert thaidate.fiscal_year(first) == thaidate.fiscal_year(last) == 2570
    assert thaidate.fiscal_year(first - dt.timedelta(days=1)) == 2569


def test_fiscal_year_uses_bangkok_time_for_aware_datetimes():
    # 30 Sep 2026 18:30 UTC is already 1 Oct 01:30 in Bangkok: the new fiscal year.
    moment = dt.datetime(2026, 9, 30, 18, 30, tzinfo=dt.UTC)
    assert thaidate.fiscal_year(moment) == 2570


@pytest.mark.parametrize(
    "month, quarter", [(10, 1), (12, 1), (1, 2), (3, 2), (4, 3), (6, 3), (7, 4), (9, 4)]
)
def test_fiscal_quarter(month, quarter):
    assert thaidate.fiscal_quarter(dt.date(2026, month, 15)) == quarter


def test_thai_date_styles():
    day = dt.date(2026, 11, 21)
    with translation.override("th"):
        assert thaidate.thai_date(day) == "21 พฤศจิกายน 2569"
        assert thaidate.thai_date(day, "short") == "21 พ.ย. 2569"
        assert thaidate.thai_date(day, "numeric") == "21/11/2569"
    with translation.override("en"):
        assert thaidate.thai_date(day) == "21 Nov 2569 BE"


def test_thai_datetime_in_local_time():
    moment = dt.datetime(2026, 11, 21, 12, 30, tzinfo=dt.UTC)
    with translation.override("th"):
        assert thaidate.thai_datetime(moment) == "21 พ.ย. 2569 19:30 น."


def test_template_filters():
    template = Template(
        "{% load thai_dates %}{{ d|thai_date }}|{{ d|thai_date:'short' }}|{{ d|be_year }}|{{ d|fiscal_year }}|{{ t|thai_datetime }}"
    )
    with translation.override("th"):
        out = template.render(
            Context(
                {
                    "d": dt.date(2026, 10, 1),
                    "t": dt.datetime(2026, 10, 1, 8, 0, tzinfo=ZoneInfo("Asia/Bangkok")),
                }
            )
        )
    assert out == "1 ตุลาคม 2569|1 ต.ค. 2569|2569|2570|1 ต.ค. 2569 08:00 น."
