"""Registries through which apps feed the reports without reports importing them.

Three kinds of contribution, each made from a module ``<app>/kpi.py`` that
reports imports at start-up (``autodiscover_modules("kpi")`` in ReportsConfig):

* **KPI counters** — ``@register_counter("media_titles")`` on a function taking a
  :class:`Period` and returning a :class:`CounterResult` (value, breakdown by
  label, the items behind the number). The KPI of the same code (reports.kpis)
  then shows that value against its target.
* **Object dimensions** — ``register_dimensions("media_center.mediaitem", fn)``:
  ``fn(object_ids)`` returns ``{object_id: ObjectInfo(...)}`` with a label, a URL
  and the subject group / grade levels, so usage splits by subject and grade.
* **Class members** — ``register_class_members(fn)``: ``fn(teacher)`` returns the
  ids of the people the teacher teaches (e.g. enrolled in the teacher's courses),
  which is what a teacher may see on the per-person activity page.

All three are read by the beat task (counters, dimensions) or by the privacy
check (class members); pages never call them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from core.thaidate import fiscal_year_bounds


@dataclass(frozen=True)
class Period:
    """A Thai fiscal year: the unit every KPI is counted in."""

    fiscal_year: int
    start: dt.date
    end: dt.date  # last day, included

    @classmethod
    def for_fiscal_year(cls, fiscal_year: int) -> Period:
        start, end = fiscal_year_bounds(fiscal_year)
        return cls(fiscal_year, start, end)


@dataclass(frozen=True)
class CounterItem:
    label: str
    url: str = ""
    group: str = ""  # e.g. the subject group, for drill-down tables
    detail: str = ""


@dataclass
class CounterResult:
    value: float
    breakdown: dict[str, float] = field(default_factory=dict)
    items: list[CounterItem] = field(default_factory=list)


@dataclass(frozen=True)
class ObjectInfo:
    label: str
    url: str = ""
    subject_group_id: int | None = None
    grade_level_ids: tuple[int, ...] = ()


Counter = Callable[[Period], CounterResult]
DimensionResolver = Callable[[list[str]], dict[str, ObjectInfo]]
ClassMembers = Callable[[object], Iterable[int]]

_counters: dict[str, Counter] = {}
_dimensions: dict[str, DimensionResolver] = {}
_class_members: list[ClassMembers] = []


def register_counter(code: str) -> Callable[[Counter], Counter]:
    """Decorator: the function counts the KPI ``code`` for a period."""

    def decorate(fn: Counter) -> Counter:
        if code in _counters and _counters[code] is not fn:
            raise ValueError(f"KPI counter {code!r} is already registered by {_counters[code]!r}")
        _counters[code] = fn
        return fn

    return decorate


def unregister_counter(code: str) -> None:
    _counters.pop(code, None)


def get_counter(code: str) -> Counter | None:
    return _counters.get(code)


def counter_codes() -> list[str]:
    return sorted(_counters)


def register_dimensions(object_type: str, resolver: DimensionResolver) -> None:
    """``object_type`` as in UsageEvent: ``app_label.modelname``."""
    _dimensions[object_type] = resolver


def unregister_dimensions(object_type: str) -> None:
    _dimensions.pop(object_type, None)


def get_dimension_resolver(object_type: str) -> DimensionResolver | None:
    return _dimensions.get(object_type)


def register_class_members(provider: ClassMembers) -> ClassMembers:
    if provider not in _class_members:
        _class_members.append(provider)
    return provider


def unregister_class_members(provider: ClassMembers) -> None:
    if provider in _class_members:
        _class_members.remove(provider)


def class_member_ids(teacher) -> set[int]:
    ids: set[int] = set()
    for provider in _class_members:
        ids.update(int(pk) for pk in provider(teacher))
    return ids
