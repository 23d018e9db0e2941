from .learning import (
    Certificate,
    CourseClass,
    Enrolment,
    EnrolmentEvent,
    LessonProgress,
    LessonQuiz,
)
from .moderation import OwnerApprovalTask
from .pages import CourseIndexPage, CourseKind, CoursePage, LessonPage, UnitPage

__all__ = [
    "Certificate",
    "CourseClass",
    "CourseIndexPage",
    "CourseKind",
    "CoursePage",
    "Enrolment",
    "EnrolmentEvent",
    "LessonPage",
    "LessonProgress",
    "LessonQuiz",
    "OwnerApprovalTask",
    "UnitPage",
]
