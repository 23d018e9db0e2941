"""The exam bank's models, by concern: the bank, quizzes, attempts.

Everything is re-exported here: ``from exambank.models import Quiz`` is the
public path other apps and the migrations' string references use.
"""

from .attempts import Attempt, AttemptSlot, AttemptState, ItemAnalysis
from .bank import (
    Category,
    Difficulty,
    QType,
    Question,
    QuestionVersion,
    TaggedQuestion,
    VersionStatus,
    visible_to_school,
)
from .quizzes import (
    BlueprintRule,
    FeedbackMode,
    GradingMethod,
    Quiz,
    QuizMode,
    QuizSlot,
    ReviewWhen,
)

__all__ = [
    "Attempt",
    "AttemptSlot",
    "AttemptState",
    "BlueprintRule",
    "Category",
    "Difficulty",
    "FeedbackMode",
    "GradingMethod",
    "ItemAnalysis",
    "QType",
    "Question",
    "QuestionVersion",
    "Quiz",
    "QuizMode",
    "QuizSlot",
    "ReviewWhen",
    "TaggedQuestion",
    "VersionStatus",
    "visible_to_school",
]
