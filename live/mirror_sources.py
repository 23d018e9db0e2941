"""What live classes send down to school mirrors and push up from them (found by
the mirror app at start-up): sessions and attendance (live/session_mirror.py),
timetables and screen links (live/timetable_mirror.py)."""

from mirror.results import register_result_kind
from mirror.sources import register_source

from .session_mirror import AttendanceKind, LiveSessionSource
from .timetable_mirror import ScreenLinkSource, TimetableSource

for _source in (LiveSessionSource(), TimetableSource(), ScreenLinkSource()):
    register_source(_source)
register_result_kind(AttendanceKind())
