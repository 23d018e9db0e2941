"""Template filters: {{ d|thai_date }}, {{ d|thai_date:"short" }}, {{ t|thai_datetime }},
{{ d|be_year }}, {{ d|fiscal_year }}."""

from django import template

from core import thaidate

register = template.Library()


@register.filter
def thai_date(value, style: str = "long") -> str:
    return thaidate.thai_date(value, style) if value else ""


@register.filter
def thai_datetime(value) -> str:
    return thaidate.thai_datetime(value) if value else ""


@register.filter
def be_year(value) -> str:
    if not value:
        return ""
    year = value if isinstance(value, int) else thaidate._local_date(value).year
    return str(thaidate.be_year(year))


@register.filter
def fiscal_year(value) -> str:
    return str(thaidate.fiscal_year(value)) if value else ""
