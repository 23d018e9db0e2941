"""The search page (Thai first) and the JSON API over the same service."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET

from core.i18n import bilingual

from .documents import DocType
from .query import FACETS, SORTS
from .service import SearchResults, audience_for, autocomplete, build_query, search

MAX_QUERY_LENGTH = 200


class BadParameter(ValueError):
    """A bad query-string value: ``message`` in the active language (the page),
    ``both`` in Thai then English (the API, read by programs and people alike)."""

    def __init__(self, field: str, template: str, **values):
        super().__init__(template % values if values else template)
        self.field = field
        self.message = _(template) % values if values else _(template)
        self.both = bilingual(template, **values)


def parse_params(params) -> dict:
    """Validated search parameters from a query string; BadParameter names the field."""
    text = params.get("q", "").strip()
    if len(text) > MAX_QUERY_LENGTH:
        raise BadParameter(
            "q",
            gettext_noop("The search words are longer than %(limit)s characters."),
            limit=MAX_QUERY_LENGTH,
        )
    sort = params.get("sort") or "relevance"
    if sort not in SORTS:
        raise BadParameter(
            "sort", gettext_noop("Sort must be one of: %(sorts)s."), sorts=", ".join(SORTS)
        )
    raw_page = params.get("page") or "1"
    if not raw_page.isdigit() or int(raw_page) < 1 or int(raw_page) > 1000:
        raise BadParameter("page", gettext_noop("Page must be a whole number from 1 to 1000."))
    filters = {f: [v for v in params.getlist(f) if v][:20] for f in FACETS}
    return {
        "text": text,
        "sort": sort,
        "page": int(raw_page),
        "filters": filters,
        # "exact=1": search what was typed, never a corrected spelling.
        "exact": params.get("exact") == "1",
    }


def facet_labels() -> dict[str, dict[str, str]]:
    from core.models import GradeLevel, School, SubjectGroup

    return {
        "subject": {s.code: s.name for s in SubjectGroup.objects.all()},
        "grade": {g.code: g.code for g in GradeLevel.objects.all()},
        "type": {c.value: c.label for c in DocType},
        "school": {str(s.pk): s.name for s in School.objects.all()},
    }


def results_json(results: SearchResults) -> dict:
    labels = facet_labels()
    return {
        "query": results.query.text,
        "words": results.query.tokens,
        "mode": results.mode,
        "corrected": results.corrected_text,
        "total": results.total,
        "page": results.query.page,
        "pages": results.pages,
        "results": [
            {
                "title": hit.entry.title,
                "url": hit.entry.url,
                "type": hit.entry.doc_type,
                "subjects": hit.entry.split_codes(hit.entry.subject_codes),
                "grades": hit.entry.split_codes(hit.entry.grade_codes),
                "school_id": hit.entry.school_id,
                "published_at": hit.entry.published_at.isoformat()
                if hit.entry.published_at
                else None,
                "popularity": hit.entry.popularity,
                "score": round(hit.score, 4),
                "title_html": hit.title_html,
                "snippet_html": hit.snippet_html,
            }
            for hit in results.hits
        ],
        "facets": {
            facet: [
                {"value": v, "label": labels.get(facet, {}).get(v, v), "count": c}
                for v, c in values
            ]
            for facet, values in results.facets.items()
        },
    }


def _run(request) -> SearchResults:
    p = parse_params(request.GET)
    query = build_query(
        p["text"],
        audience=audience_for(request.user),
        filters=p["filters"],
        sort=p["sort"],
        page=p["page"],
        allow_correction=not p["exact"],
    )
    return search(query)


@require_GET
def search_api(request):
    try:
        return JsonResponse(results_json(_run(request)), json_dumps_params={"ensure_ascii": False})
    except BadParameter as error:
        return JsonResponse({"error": error.both, "field": error.field}, status=400)


@require_GET
def autocomplete_api(request):
    text = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    items = autocomplete(text, audience_for(request.user)) if text else []
    return JsonResponse(
        {"query": text, "results": items}, json_dumps_params={"ensure_ascii": False}
    )


def toggle_url(params, facet: str, value: str) -> str:
    """The query string with one facet value switched on or off (back to page 1)."""
    pairs = [(k, v) for k in params for v in params.getlist(k) if k != "page"]
    if (facet, value) in pairs:
        pairs.remove((facet, value))
    else:
        pairs.append((facet, value))
    return "?" + urlencode(pairs)


@require_GET
def search_page(request):
    context: dict = {"q": request.GET.get("q", "")[:MAX_QUERY_LENGTH]}
    status = 200
    try:
        results = _run(request)
    except BadParameter as error:
        context["error"] = error.message
        status = 400
    else:
        labels = facet_labels()
        selected = {f: set(request.GET.getlist(f)) for f in FACETS}
        titles = {
            "subject": _("Subject group"),
            "grade": _("Grade"),
            "type": _("Type"),
            "school": _("School"),
        }
        for hit in results.hits:
            hit.type_label = labels["type"].get(hit.entry.doc_type, hit.entry.doc_type)
            hit.grades = ", ".join(hit.entry.split_codes(hit.entry.grade_codes))
        facets = [
            (
                facet,
                titles[facet],
                [
                    {
                        "value": v,
                        "label": labels[facet].get(v, v),
                        "count": c,
                        "selected": v in selected[facet],
                        "url": toggle_url(request.GET, facet, v),
                    }
                    for v, c in results.facets.get(facet, [])
                ],
            )
            for facet in FACETS
            if results.facets.get(facet)
        ]
        base = [(k, v) for k in request.GET for v in request.GET.getlist(k) if k != "page"]
        as_typed = [(k, v) for k, v in base if k != "exact"] + [("exact", "1")]
        context.update(
            as_typed_url="?" + urlencode(as_typed),
            results=results,
            facets=facets,
            sort=results.query.sort,
            prev_url="?" + urlencode(base + [("page", results.query.page - 1)])
            if results.query.page > 1
            else "",
            next_url="?" + urlencode(base + [("page", results.query.page + 1)])
            if results.query.page < results.pages
            else "",
        )
    return TemplateResponse(request, "search/search.html", context, status=status)
