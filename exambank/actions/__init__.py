"""Every state change of the exam bank goes through one of these functions.

Start and submit are idempotent by construction: the database refuses a second
in-progress attempt and a reused start key, submit locks the attempt row and
does nothing to an attempt that is no longer in progress, and an answer is
stored only when its client sequence number is newer than the stored one. So a
double click, a retried POST or a reloaded page never makes two attempts and
never loses or rewinds an answer.

By concern: questions (versions), starting, answering, submitting (grading).
Everything is re-exported here; ``exambank.actions.X`` is the public path.
"""

from .answering import Saved, SlotForAnswer, check_open, save_answer, slot_for_answer
from .questions import (
    VERSIONED_FIELDS,
    latest_ready_versions,
    save_question,
    set_version_status,
    snapshot_version,
    version_for_slot,
)
from .refusals import AttemptRefused
from .starting import plan_slots, seen_questions, start_attempt
from .submitting import (
    RESULT_FIELDS,
    SLOT_GRADING_FIELDS,
    close_overdue_attempts,
    grade_by_hand,
    overdue_attempt_ids,
    quiz_grade,
    submit_attempt,
)

__all__ = [
    "RESULT_FIELDS",
    "SLOT_GRADING_FIELDS",
    "VERSIONED_FIELDS",
    "AttemptRefused",
    "Saved",
    "SlotForAnswer",
    "check_open",
    "close_overdue_attempts",
    "grade_by_hand",
    "latest_ready_versions",
    "overdue_attempt_ids",
    "plan_slots",
    "quiz_grade",
    "save_answer",
    "save_question",
    "seen_questions",
    "set_version_status",
    "slot_for_answer",
    "snapshot_version",
    "start_attempt",
    "submit_attempt",
    "version_for_slot",
]
