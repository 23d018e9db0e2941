"""Pages of the exam bank, by concern: taking a quiz, a teacher's tools, the bank.

Every view is re-exported here: ``exambank.views.X`` is the public path (urls).
"""

from .access import TEACHER_PERM, attempt_in_scope, check_teacher, own_attempt
from .bank import export_view, import_view, sheet_template
from .grades import class_gradebook_view, my_grades_view
from .taking import (
    attempt_review,
    attempt_save,
    attempt_submit,
    attempt_take,
    quiz_detail,
    quiz_list,
    quiz_start,
)
from .teaching import (
    answer_sheet,
    grading_queue,
    item_analysis,
    item_analysis_refresh,
    paper_pdf,
)

__all__ = [
    "TEACHER_PERM",
    "answer_sheet",
    "attempt_review",
    "attempt_save",
    "attempt_submit",
    "attempt_take",
    "attempt_in_scope",
    "check_teacher",
    "class_gradebook_view",
    "export_view",
    "grading_queue",
    "import_view",
    "item_analysis",
    "item_analysis_refresh",
    "my_grades_view",
    "own_attempt",
    "paper_pdf",
    "quiz_detail",
    "quiz_list",
    "quiz_start",
    "sheet_template",
]
