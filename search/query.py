"""A search request and its answer, independent of any backend."""

from __future__ import annotations

from dataclasses import dataclass, field

from .documents import Visibility

FACETS = ("subject", "grade", "type", "school")
SORTS = ("relevance", "date", "popularity")


@dataclass(frozen=True)
class Audience:
    """Who is searching, reduced to what visibility depends on.

    ``sees_all``: area admins and superusers. ``held_only``: a school mirror's
    search covers only what the mirror holds.
    """

    authenticated: bool = False
    user_id: int | None = None
    school_id: int | None = None
    is_staff_reader: bool = False  # teachers, school admins, supervisors
    sees_all_schools: bool = False  # supervisors read across schools
    sees_all: bool = False
    held_only: bool = False

    def visibility_rules(self) -> list[tuple[str, dict]]:
        """(visibility, extra condition) pairs this audience may see; pure data.

        Extra conditions are {"school_id": id} or {"owner_id": id}; {} means all.
        """
        if self.sees_all:
            return [(v.value, {}) for v in Visibility]
        rules = [(Visibility.PUBLIC.value, {})]
        if not self.authenticated:
            return rules
        rules.append((Visibility.SIGNED_IN.value, {}))
        if self.sees_all_schools:
            rules.append((Visibility.SCHOOL.value, {}))
        elif self.school_id is not None:
            rules.append((Visibility.SCHOOL.value, {"school_id": self.school_id}))
        if self.is_staff_reader:
            rules.append((Visibility.TEACHERS.value, {}))
        if self.user_id is not None:
            for visibility in Visibility:
                rules.append((visibility.value, {"owner_id": self.user_id}))
        return rules


ANONYMOUS = Audience()


@dataclass
class SearchQuery:
    text: str = ""
    tokens: list[str] = field(default_factory=list)
    match: str = "all"  # "all" words, or "any" word
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20
    audience: Audience = ANONYMOUS
    with_facets: bool = True
    # Subject groups whose curriculum words the query uses (search.thai.query_subjects):
    # in relevance order, their items' scores are multiplied by SUBJECT_BOOST.
    subjects: tuple[str, ...] = ()
    # The query's words in the order typed (repeats kept): its phrase.
    phrase_words: tuple[str, ...] = ()
    # False when the visitor asked for exactly what they typed (no correction).
    allow_correction: bool = True

    @property
    def offset(self) -> int:
        return (max(self.page, 1) - 1) * self.page_size


@dataclass
class BackendResult:
    """What a backend answers: ids in order, the total, facet counts."""

    ids: list[int]
    total: int
    scores: dict[int, float] = field(default_factory=dict)
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    highlights: dict[int, dict[str, str]] = field(default_factory=dict)
