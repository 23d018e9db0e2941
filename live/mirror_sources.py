"""What live classes send down to school mirrors (found by the mirror app at start-up)."""

from mirror.sources import register_source

from .timetable_mirror import ScreenLinkSource, TimetableSource

for _source in (TimetableSource(), ScreenLinkSource()):
    register_source(_source)
