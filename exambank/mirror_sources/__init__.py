"""The exam bank on a school mirror: content down, attempts up.

Down (central → mirror), three sources applied in this order, every row keeping
central's id (attempt slots, lessons and quiz links point at them by id, and an
attempt pushed up must name the same question versions on central):

  exambank.category   question categories, parents first; a school's own
                      unpublished category goes only to that school.
  exambank.question   a question with every version (versions are frozen, so
                      an attempt taken offline names the exact text it showed);
                      scoped by its subject group and grade, widened by the
                      scope of every quiz that uses it, so a quiz never arrives
                      without its questions.
  exambank.quiz       a quiz with its fixed slots or its blueprint rules;
                      scoped by its school and the subjects and grades of the
                      questions it uses.

Up (mirror → central), the ``attempt`` result kind. Rule: **append-only, keyed
by a deterministic id**. A submitted attempt goes up once with its answers; its
id is uuid5(mirror id, the mirror's attempt id), stored on central as the
attempt's ``start_key`` (unique per learner), so a batch sent again is counted
as duplicates and an attempt never changes after it arrives. Only attempts that
are no longer in progress go up, each until central has acknowledged its id
(``SnapshotResultKind``: an attempt submitted after later ones is not skipped).
On central the attempt gets the next free number for that learner and quiz;
its answers name central's question versions, which the mirror kept.
"""

from mirror.results import register_result_kind
from mirror.sources import register_source

from .attempts import ATTEMPT_NAMESPACE, AttemptKind, attempt_uuid, central_start_key
from .bank import QUESTION_FIELDS, VERSION_FIELDS, CategorySource, QuestionSource
from .quizzes import QUIZ_FIELDS, QuizSource, quiz_question_ids, quiz_scope, quiz_scopes

__all__ = [
    "ATTEMPT_NAMESPACE",
    "QUESTION_FIELDS",
    "QUIZ_FIELDS",
    "VERSION_FIELDS",
    "AttemptKind",
    "CategorySource",
    "QuestionSource",
    "QuizSource",
    "attempt_uuid",
    "central_start_key",
    "quiz_question_ids",
    "quiz_scope",
    "quiz_scopes",
]

for _source in (CategorySource(), QuestionSource(), QuizSource()):
    register_source(_source)
register_result_kind(AttemptKind())
