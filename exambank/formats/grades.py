"""The grades Moodle allows for an answer, and its check of an imported one.

Moodle's question bank offers a fixed list of fractions (question_bank::
fraction_options_full) and its importers refuse any other value: a file that
says 33 instead of 33.33333 would make full marks unreachable. The check is the
same "slightly fuzzy test" Moodle's match_grade_options applies: a fraction
within 0.00001 of an allowed one is that one.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from . import FormatError

POSITIVE = [
    1.0, 0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3,
    0.25, 0.2, 0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05,
]  # fmt: skip
ALLOWED = [*POSITIVE, 0.0, *(-f for f in reversed(POSITIVE))]
TOLERANCE = 0.00001


def match_fraction(fraction: float) -> float | None:
    """The allowed fraction ``fraction`` stands for, or None when Moodle would refuse it."""
    for allowed in ALLOWED:
        if abs(fraction - allowed) < TOLERANCE:
            return allowed
    return None


def checked_fraction(fraction: float) -> float:
    """An allowed fraction, or a FormatError (a ValueError) naming it."""
    allowed = match_fraction(fraction)
    if allowed is None:
        raise FormatError(
            _("grade %(percent)s%% is not one Moodle allows (e.g. 33.33333, not 33)"),
            percent=f"{fraction * 100:g}",
        )
    return allowed


def percent_text(fraction: float) -> str:
    """A fraction as Moodle writes it in a file: 33.33333, 100, -50."""
    return f"{round(fraction * 100, 5):g}"
