"""Signals that let apps meet without importing each other.

Senders send them; receivers only enqueue work (DESIGN.md: no heavy work in a
signal). Each documents its keyword arguments.
"""

from django.dispatch import Signal

# A media item's watch time grew. kwargs: user, media_item, seconds_watched
# (distinct seconds of the item seen so far, robust to seeking), duration.
media_watch_progress = Signal()

# A quiz attempt was graded. kwargs: user, quiz, attempt, score (0–1), passed (bool).
quiz_attempt_finished = Signal()

# Something visible to learners was published, changed or withdrawn; search and
# the mirror feed listen. kwargs: instance, action ("publish" | "unpublish" | "delete").
catalog_changed = Signal()
