"""What a class needs to take a quiz, computed once instead of once per student.

When a whole class starts the same quiz within seconds, every start, page,
answer and submit needs the same few facts: which question versions the quiz
uses, their rendered text, and their answer keys. Two layers keep those out of
the database on the hot path:

* ``VersionCard``: the rendered payload and grading data of one
  ``QuestionVersion``. Versions are never edited after creation, so a card is
  keyed by the version id alone and never needs invalidating.
* ``QuizSnapshot``: a fixed quiz's ordered (version, mark) list. It depends on
  the quiz's slots and on which version of each question is the latest ready
  one, so it is keyed by ``Quiz.revision``, a counter bumped by the signal
  receivers below whenever a slot changes or one of the quiz's questions gets
  a new version. The revision is read from the quiz row every request already
  loads, so a stale snapshot is never used, whichever process cached it.

Both live in the Django cache (Redis in production, shared by every worker;
per-process memory in the embedded default) and, in front of it, in a small
per-process memo so a warm start or save costs no cache round trip and no
unpickling. Blueprint quizzes draw per student, so only their cards are cached.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.utils.translation import gettext_noop

from core.i18n import bilingual

from . import sql
from .models import QuestionVersion, Quiz, VersionStatus

CACHE_SECONDS = 24 * 3600
CARD_KEY = "exambank:card:v1:{}:{}"  # namespace, version id
SNAPSHOT_KEY = "exambank:quiz-snapshot:v1:{}:{}:{}"  # namespace, quiz id, revision
_database: str | None = None  # which database the ids belong to, see _namespace()
_generation = 0  # moved on by forget_local()


NO_READY_VERSION = gettext_noop("question %(name)s has no ready version")


class AttemptRefusedNoVersion(Exception):
    """A slot follows the latest ready version, but the question has none."""

    def __init__(self, question_id: int, name: str):
        self.question_id = question_id
        super().__init__(bilingual(NO_READY_VERSION, name=name))


@dataclass(frozen=True)
class VersionCard:
    """One question version as an attempt uses it: shown, parsed and graded from this."""

    id: int
    question_id: int
    number: int
    qtype: str
    name: str
    text: str
    html: str
    general_feedback: str
    data: dict


@dataclass(frozen=True)
class QuizSnapshot:
    quiz_id: int
    revision: int
    slots: tuple[tuple[int, Decimal], ...]  # (version id, mark) in the quiz's order


class _Memo:
    """A small thread-safe LRU in front of the shared cache (per process)."""

    def __init__(self, size: int):
        self.size = size
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


_cards = _Memo(4000)  # about one area's bank; a card is a few kilobytes
_snapshots = _Memo(256)


def _namespace() -> str:
    """Ids are only unique within one database: a shared cache (Redis) outlives a
    database dropped and created again (a test run, a fresh development set-up),
    so on PostgreSQL the keys carry the database's oid, read once per process."""
    global _database
    if _database is None:
        if connection.vendor == "postgresql":
            _database = f"pg{sql.database_oid()}"
        else:
            _database = connection.vendor
    return f"{_database}.{_generation}"


def _once_committed(store) -> None:
    """Keep what was read now, or after the surrounding transaction commits.

    Inside a transaction a read may see rows this same transaction wrote; if it
    rolls back, SQLite hands their ids out again, and a cached card or snapshot
    would describe a row that never existed. Committed ids are never reused
    (PostgreSQL sequences, SQLite AUTOINCREMENT), so only committed reads are
    kept. (Restoring a database backup calls for clearing the cache, as for
    any cached site.)
    """
    if connection.in_atomic_block:
        transaction.on_commit(store)
    else:
        store()


def _card_of(version: QuestionVersion) -> VersionCard:
    from .rendering import question_html

    return VersionCard(
        id=version.pk,
        question_id=version.question_id,
        number=version.number,
        qtype=version.qtype,
        name=version.name,
        text=version.text,
        html=question_html(version.text, version.data),
        general_feedback=version.general_feedback,
        data=version.data,
    )


def cards(version_ids) -> dict[int, VersionCard]:
    """The cards of these versions: memo, then the shared cache, then one query."""
    wanted = set(version_ids)
    found = {}
    for vid in wanted:
        card = _cards.get(vid)
        if card is not None:
            found[vid] = card
    missing = wanted - found.keys()
    namespace = _namespace() if missing else ""
    if missing:
        shared = cache.get_many([CARD_KEY.format(namespace, vid) for vid in missing])
        for card in shared.values():
            found[card.id] = card
            _cards.put(card.id, card)
        missing -= found.keys()
    if missing:
        fresh = {}
        for version in QuestionVersion.objects.filter(pk__in=missing):
            card = _card_of(version)
            found[card.id] = fresh[CARD_KEY.format(namespace, card.id)] = card

        def store():
            for card in fresh.values():
                _cards.put(card.id, card)
            cache.set_many(fresh, CACHE_SECONDS)

        _once_committed(store)
    return found


def card(version_id: int) -> VersionCard:
    return cards([version_id])[version_id]


def _build(quiz: Quiz) -> QuizSnapshot:
    slots = list(quiz.slots.select_related("question").order_by("order", "pk"))
    following = [s.question_id for s in slots if not s.version_id]
    latest: dict[int, int] = {}
    rows = (
        QuestionVersion.objects.filter(question_id__in=following, status=VersionStatus.READY)
        .order_by("question_id", "-number")
        .values_list("question_id", "pk")
    )
    for question_id, version_id in rows:
        latest.setdefault(question_id, version_id)
    planned = []
    for slot in slots:
        version_id = slot.version_id or latest.get(slot.question_id)
        if version_id is None:
            raise AttemptRefusedNoVersion(slot.question_id, str(slot.question))
        planned.append((version_id, slot.mark))
    return QuizSnapshot(quiz.pk, quiz.revision, tuple(planned))


def quiz_snapshot(quiz: Quiz) -> QuizSnapshot:
    """The fixed quiz's versions and marks at its current revision."""
    key = SNAPSHOT_KEY.format(_namespace(), quiz.pk, quiz.revision)
    snapshot = _snapshots.get(key)
    if snapshot is None:
        snapshot = cache.get(key)
        if snapshot is None:
            built = snapshot = _build(quiz)

            def store():
                cache.set(key, built, CACHE_SECONDS)
                _snapshots.put(key, built)

            _once_committed(store)
        else:
            _snapshots.put(key, snapshot)
    return snapshot


def forget_local() -> None:
    """Forget every card and snapshot this process knows, memo and shared cache alike.

    For tests, whose rolled-back rows hand their ids out again: the shared
    cache's entries are left behind under the old namespace.
    """
    global _database, _generation
    _database = None
    _generation += 1
    drop_memo()


def drop_memo() -> None:
    """Empty this process's memo only, as a freshly started worker has it."""
    _cards.clear()
    _snapshots.clear()


# --- Invalidation ----------------------------------------------------------------


def bump_revision(**filters) -> None:
    """Move the matching quizzes to a new revision: their snapshots are rebuilt on use."""
    Quiz.objects.filter(**filters).update(revision=F("revision") + 1)


def version_saved(sender, instance, created, **kwargs):
    if created:  # a new version may now be the latest ready one of these quizzes
        bump_revision(slots__question_id=instance.question_id)


def slot_changed(sender, instance, **kwargs):
    bump_revision(pk=instance.quiz_id)
