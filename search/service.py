"""Searching the catalog: the one entry point for the page, the API and benchmarks.

A query is cut into words (search.thai), then tried in steps until something is
found: every word; any word; every word after correcting misspellings against
the catalog's vocabulary. The answer says which step it took.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.conf import settings
from django.db.models import Q

from .backends import get_backend
from .fuzzy import correct_query
from .highlight import highlight
from .models import CatalogEntry
from .query import FACETS, SORTS, Audience, BackendResult, SearchQuery
from .ranking import Candidate, rerank
from .thai import query_subjects, query_tokens, words


@dataclass
class Hit:
    entry: CatalogEntry
    score: float
    title_html: str
    snippet_html: str


@dataclass
class SearchResults:
    query: SearchQuery
    hits: list[Hit]
    total: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    mode: str = "all"  # all | any | corrected | browse
    corrected_text: str = ""

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.page_size))


def audience_for(user) -> Audience:
    """What a user may see; anonymous visitors see public items only."""
    from core import roles

    held_only = getattr(settings, "KHLANG_ROLE", "central") == "mirror"
    if user is None or not user.is_authenticated:
        return Audience(held_only=held_only)
    names = set(user.groups.values_list("name", flat=True))
    has = {role for role, name in roles.ROLE_GROUP_NAMES.items() if name in names}
    sees_all = user.is_superuser or roles.AREA_ADMIN in has
    return Audience(
        authenticated=True,
        user_id=user.pk,
        school_id=user.school_id,
        is_staff_reader=bool(has & {roles.TEACHER, roles.SCHOOL_ADMIN, roles.SUPERVISOR}),
        sees_all_schools=roles.SUPERVISOR in has,
        sees_all=sees_all,
        held_only=held_only,
    )


def visibility_q(audience: Audience) -> Q:
    """The same visibility rules as the backends apply, as an ORM filter."""
    q = Q(pk__in=[])
    for visibility, extra in audience.visibility_rules():
        q |= Q(visibility=visibility, **extra)
    if audience.held_only:
        q &= Q(held=True)
    return q


def build_query(
    text: str = "",
    *,
    audience: Audience | None = None,
    filters: dict[str, list[str]] | None = None,
    sort: str = "relevance",
    page: int = 1,
    page_size: int | None = None,
    with_facets: bool = True,
    allow_correction: bool = True,
) -> SearchQuery:
    from .conf import search_settings

    tokens = query_tokens(text or "")
    return SearchQuery(
        text=text or "",
        tokens=tokens,
        phrase_words=tuple(words(text or "")),
        allow_correction=allow_correction,
        subjects=query_subjects(tokens),
        filters={k: list(v) for k, v in (filters or {}).items() if k in FACETS and v},
        sort=sort if sort in SORTS else "relevance",
        page=max(1, page),
        page_size=max(1, min(page_size or search_settings.PAGE_SIZE, 100)),
        audience=audience or Audience(),
        with_facets=with_facets,
    )


def ranked_search(query: SearchQuery, backend) -> BackendResult:
    """The backend's answer in the one relevance order (search.ranking).

    A relevance page within the first ``RERANK_DEPTH`` results is cut from the
    reranked pool; a deeper page (or another sort) is the backend's own order,
    the pool order, which every backend computes alike.
    """
    from .conf import search_settings

    depth = int(search_settings.RERANK_DEPTH)
    if not query.tokens or query.sort != "relevance" or query.offset + query.page_size > depth:
        return backend.search(query)
    result = backend.search(replace(query, page=1, page_size=depth))
    rows = CatalogEntry.objects.filter(id__in=result.ids).values_list(
        "id", "title_seg", "body_seg", "subject_codes", "popularity"
    )
    ordered = rerank(
        [Candidate(*row) for row in rows],
        query.tokens,
        "".join(query.phrase_words),
        query.subjects,
        float(search_settings.TITLE_WEIGHT),
        float(search_settings.SUBJECT_BOOST),
    )
    page = ordered[query.offset : query.offset + query.page_size]
    result.ids = [entry_id for entry_id, _ in page]
    result.scores = dict(page)
    return result


def search(query: SearchQuery, backend=None) -> SearchResults:
    backend = backend or get_backend()
    mode = "all" if query.tokens else "browse"
    result = ranked_search(query, backend)
    corrected = ""
    original = list(query.tokens)
    fixed = original
    if query.tokens and not result.total and query.allow_correction:
        fixed = correct_query(query.text, original)
    # Fallbacks, in order: corrected spelling (all words), any word, both.
    steps = []
    if fixed != original:
        steps.append((fixed, "all", "corrected"))
    if len(original) > 1:
        steps.append((original, "any", "any"))
    if fixed != original and len(fixed) > 1:
        steps.append((fixed, "any", "corrected"))
    for tokens, match, step_mode in steps:
        if result.total:
            break
        query.tokens, query.match, mode = tokens, match, step_mode
        query.phrase_words = tuple(tokens)
        corrected = " ".join(tokens) if step_mode == "corrected" else ""
        result = ranked_search(query, backend)
    if not result.total:
        query.tokens, query.match, mode, corrected = original, "all", "all", ""
    # Only the page's rows are loaded, without their segmented copies (index-only text).
    entries = CatalogEntry.objects.defer("title_seg", "body_seg", "title_norm").in_bulk(result.ids)
    hits = []
    for entry_id in result.ids:
        entry = entries.get(entry_id)
        if entry is None:
            continue  # removed between the index answer and now
        text = entry.description or entry.body or entry.transcript
        hits.append(
            Hit(
                entry=entry,
                score=result.scores.get(entry_id, 0.0),
                title_html=highlight(entry.title, query.tokens, 500),
                snippet_html=highlight(text, query.tokens),
            )
        )
    return SearchResults(
        query=query,
        hits=hits,
        total=result.total,
        facets=result.facets,
        mode=mode,
        corrected_text=corrected,
    )


def autocomplete(text: str, audience: Audience | None = None, limit: int = 8) -> list[dict]:
    """Titles that begin a word with what was typed so far (the last word as a prefix)."""
    from .thai import normalize, words

    tokens = words(text)
    if not tokens:
        return []
    query = build_query("", audience=audience, page_size=limit, with_facets=False)
    ids = get_backend().autocomplete(tokens, query)
    if len(ids) < limit:
        # A half-typed Thai word may segment differently from the whole one:
        # fall back to the normalised title containing what was typed.
        more = (
            CatalogEntry.objects.filter(visibility_q(query.audience))
            .filter(title_norm__contains=normalize(text))
            .exclude(id__in=ids)
            .order_by("-popularity", "id")
            .values_list("id", flat=True)[: limit - len(ids)]
        )
        ids += list(more)
    entries = CatalogEntry.objects.in_bulk(ids)
    return [
        {"title": entries[i].title, "url": entries[i].url, "type": entries[i].doc_type}
        for i in ids
        if i in entries
    ]
