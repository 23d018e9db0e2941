"""Thai catalog search at scale: the database backends against a naive icontains.

Why this module is long: one run measures every figure of one benchmark (relevance,
agreement across backends, latency at scale) so they share one catalog and one clock.

    python -m bench.search [--quick] [--items N] [--queries N]

1. Generates a Thai catalog (100,000 items; --quick: 2,000 and 50 queries,
   to finish within two minutes on a busy machine) from PyThaiNLP's
   word list, with realistic lengths: titles of 3–9 words, descriptions of
   10–40, and a body of 30–120 words for two items in five; word frequencies
   follow a Zipf curve, as real text does. Thai words run together without
   spaces, so every item must be segmented.
2. Segments every item once (search.thai, the configured engine) and times it.
3. In one child process per database (SQLite, the embedded default; PostgreSQL
   at KHLANG_BENCH_DATABASE_URL, default a scratch database on 127.0.0.1):
   writes the catalog and times it; runs the same queries (1–2 words, facet
   counts always on, a subject or grade filter on three in ten) through the
   search service and through a plain ``icontains`` search that a naive project
   would write (same filters, facet counts and page size), timed alternately;
   scores the judged relevance set (tests/search/relevance) hidden among the
   generated items, with both methods. The SQLite child also compares the
   segmentation engines PyThaiNLP ships on the relevance set alone.

The last line is one JSON object; ratios are measured within this run.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import os
import pickle
import random
import subprocess
import sys
import tempfile
import time
from multiprocessing import Pool

from ._setup import django_on_scratch_database, summary_ms

ENGINES = ["newmm", "mm", "longest"]
SUBJECTS = list("ทควสพศงอ")
GRADES = [f"ป.{n}" for n in range(1, 7)] + [f"ม.{n}" for n in range(1, 7)]
TYPES = ["video", "lesson", "document", "course", "audio"]
ENGLISH = "video lesson worksheet quiz game song story project lab review unit".split()


# -- generation (parent) --------------------------------------------------------
def vocabulary(rng: random.Random) -> list[str]:
    from pythainlp.corpus import thai_words

    from search.thai import curriculum_terms

    words = sorted(w for w in thai_words() if " " not in w and 2 <= len(w) <= 12)
    rng.shuffle(words)
    terms = sorted(curriculum_terms())
    return terms + words[:20000]


def generate(n: int, seed: int = 2567) -> tuple[list[dict], list[str], list[float]]:
    rng = random.Random(seed)
    vocab = vocabulary(rng)
    weights = [1.0 / (rank + 10) for rank in range(len(vocab))]
    cumulative = list(itertools.accumulate(weights))

    def phrase(count: int) -> str:
        picked = rng.choices(vocab, cum_weights=cumulative, k=count)
        if rng.random() < 0.1:
            picked.insert(rng.randrange(len(picked) + 1), " " + rng.choice(ENGLISH) + " ")
        # Thai runs words together; a space ends a clause every few words.
        out, since = [], 0
        for word in picked:
            out.append(word)
            since += 1
            if since >= rng.randint(4, 8):
                out.append(" ")
                since = 0
        return "".join(out).strip()

    now = time.time()
    items = []
    for i in range(n):
        items.append(
            {
                "key": str(i),
                "title": phrase(rng.randint(3, 9)),
                "description": phrase(rng.randint(10, 40)),
                "body": phrase(rng.randint(30, 120)) if rng.random() < 0.4 else "",
                "subject": rng.choice(SUBJECTS),
                "grades": sorted(rng.sample(GRADES, rng.randint(1, 3))),
                "type": rng.choice(TYPES),
                "school": rng.randint(1, 110),
                "popularity": float(int(rng.paretovariate(1.2) * 10)),
                "published": now - rng.randint(0, 5 * 365 * 86400),
                "visibility": "public" if rng.random() < 0.9 else "school",
            }
        )
    return items, vocab, weights


def make_queries(count: int, vocab: list[str], weights: list[float], seed: int = 7) -> list[dict]:
    """1–2 words each, from all but the 30 commonest words, some with a filter."""
    rng = random.Random(seed)
    pool = vocab[30:]
    cumulative = list(itertools.accumulate(weights[30:]))
    queries = []
    for _ in range(count):
        words = rng.choices(pool, cum_weights=cumulative, k=rng.choice([1, 1, 2]))
        filters = {}
        roll = rng.random()
        if roll < 0.15:
            filters["subject"] = [rng.choice(SUBJECTS)]
        elif roll < 0.3:
            filters["grade"] = [rng.choice(GRADES)]
        queries.append({"text": " ".join(words), "filters": filters})
    return queries


def _prepare(item: dict):
    import datetime

    from search.documents import CatalogDocument
    from search.indexing import prepare_entry

    doc = CatalogDocument(
        title=item["title"],
        description=item["description"],
        body=item["body"],
        url=f"/bench/{item['key']}/",
        doc_type=item["type"],
        subject_codes=[item["subject"]],
        grade_codes=item["grades"],
        school_id=item["school"],
        popularity=item["popularity"],
        published_at=datetime.datetime.fromtimestamp(item["published"], datetime.UTC),
        visibility=item["visibility"],
    )
    return ("bench", item["key"], *prepare_entry("bench", item["key"], doc, _NAMES))


_NAMES: dict[str, str] = {}


def segment_all(items: list[dict]) -> tuple[list, float]:
    from core.curriculum import SUBJECT_GROUPS
    from search import thai

    _NAMES.update({code: f"{th} {en}" for code, _, th, en, _ in SUBJECT_GROUPS})
    thai.words("อุ่นเครื่อง")  # build the dictionaries once, before the workers fork
    started = time.perf_counter()
    with Pool(os.cpu_count() or 1) as pool:
        prepared = pool.map(_prepare, items, chunksize=200)
    return prepared, time.perf_counter() - started


# -- measuring (child, one per database) --------------------------------------------
def icontains_search(text: str, filters: dict, page_size: int = 20):
    """What a project without full text would write: LIKE over every text column."""
    from django.db.models import Count, Q

    from search.models import CatalogEntry, CatalogFacet

    qs = CatalogEntry.objects.filter(visibility="public")
    for word in text.split():
        qs = qs.filter(
            Q(title__icontains=word) | Q(description__icontains=word) | Q(body__icontains=word)
        )
    for facet, values in filters.items():
        qs = qs.filter(
            id__in=CatalogFacet.objects.filter(facet=facet, value__in=values).values("entry_id")
        )
    total = qs.count()
    facets = list(
        CatalogFacet.objects.filter(entry_id__in=qs.values("id"))
        .values("facet", "value")
        .annotate(n=Count("id"))
    )
    hits = list(qs.order_by("-popularity", "-id")[:page_size])
    return total, facets, hits


def engine_comparison(engines: list[str]) -> dict:
    from django.test import override_settings

    from search import indexing, relevance, thai
    from search.models import CatalogEntry

    out = {}
    for engine in engines:
        with override_settings(KHLANG_SEARCH={"SEGMENTER": engine}):
            for cached in (thai.compound_parts, indexing.subject_names):
                cached.cache_clear()
            CatalogEntry.objects.filter(source=relevance.SOURCE).delete()
            sample = " ".join(d.description for _, d in relevance.load_corpus())[:3000]
            thai.index_tokens("อุ่นเครื่อง")  # dictionaries built before the clock starts
            started = time.perf_counter()
            thai.index_tokens(sample)
            seconds = time.perf_counter() - started
            relevance.load_into_catalog()
            score = relevance.evaluate(relevance.catalog_run(), relevance.load_queries())
            out[engine] = {**score.as_dict(), "chars_per_s": round(len(sample) / seconds)}
    CatalogEntry.objects.filter(source=relevance.SOURCE).delete()
    thai.compound_parts.cache_clear()
    return out


def child(kind: str, data_path: str) -> None:
    database_url = os.environ.get("KHLANG_BENCH_DATABASE_URL") if kind == "postgres" else None
    if kind == "postgres":
        _recreate_postgres(database_url)
    django_on_scratch_database(database_url)
    from django.core.management import call_command

    from search import columns, relevance
    from search.backends import get_backend
    from search.indexing import write_prepared
    from search.query import Audience
    from search.service import build_query, search

    call_command("migrate", verbosity=0)
    with open(data_path, "rb") as fh:
        data = pickle.load(fh)
    result: dict = {"kind": kind}
    if kind == "sqlite":
        # "longest" segments a few hundred characters a second: full runs only;
        # a quick run scores the configured engine alone.
        result["engines"] = engine_comparison(ENGINES if not data["quick"] else ENGINES[:1])

    prepared = data["prepared"]
    started = time.perf_counter()
    for i in range(0, len(prepared), 1000):
        write_prepared(prepared[i : i + 1000])
    result["write_s"] = time.perf_counter() - started
    # What the reindex command does after a rebuild (statistics, index tidy-up).
    get_backend("database").after_bulk_write()
    # The 100,000 prepared items are the bench's own data, not the server's: let
    # them go, so Python's cycle collector does not walk them during the timing.
    del prepared, data["prepared"]
    gc.collect()

    anonymous = Audience()

    def run_index(q):
        query = build_query(q["text"], audience=anonymous, filters=q["filters"])
        return search(query).total

    def run_naive(q):
        return icontains_search(q["text"], q["filters"])[0]

    for q in data["queries"][:10]:  # warm caches and connections
        run_index(q), run_naive(q)
    # What a web worker does as it starts (deploy/gunicorn.conf.py): read the
    # columns and, on PostgreSQL, the commonest words' bits, then freeze what
    # it holds out of the cycle collector's way.
    columns.warm()
    gc.freeze()
    timings: dict[str, list[float]] = {"index": [], "icontains": []}
    found = {"index": 0, "icontains": 0}
    for q in data["queries"]:  # alternate, so background noise hits both alike
        for name, fn in (("index", run_index), ("icontains", run_naive)):
            started = time.perf_counter()
            total = fn(q)
            timings[name].append(time.perf_counter() - started)
            found[name] += bool(total)
    result["latency"] = {name: summary_ms(values) for name, values in timings.items()}
    result["queries_with_results"] = found

    relevance.load_into_catalog()
    judged = relevance.load_queries()
    score = relevance.evaluate(relevance.catalog_run(), judged)
    result["relevance"] = score.as_dict()
    # Which judged queries lost a relevant item, and what came first instead.
    result["relevance_misses"] = [[q, ranked[:5]] for q, ranked in score.misses]

    def naive_run(text: str) -> list[str]:
        from search.thai import normalize

        hits = icontains_search(normalize(text), {}, page_size=10)[2]
        return [h.object_key for h in hits if h.source == relevance.SOURCE]

    result["icontains_relevance"] = relevance.evaluate(naive_run, judged).as_dict()
    result.update(trust_checks(judged))
    print(json.dumps(result))


def top_keys(text: str, page_size: int = 10) -> list[str]:
    """The keys of the first results for ``text``, whatever source wrote them."""
    from search.query import Audience
    from search.service import build_query, search

    query = build_query(text, audience=Audience(sees_all=True), page_size=page_size)
    query.with_facets = False
    return [f"{h.entry.source}:{h.entry.object_key}" for h in search(query).hits]


def trust_checks(judged) -> dict:
    """Top-10 lists of every judged query (compared across databases by the parent),
    common-word queries that find nothing, and variant pairs that disagree."""
    from search.relevance import common_word_queries, variant_pairs

    common = common_word_queries()
    empty = [w for w in common if not top_keys(w, 1)]
    pairs = variant_pairs()
    equal = sum(1 for v, f in pairs if top_keys(v) == top_keys(f))
    return {
        "top10": {j.query: top_keys(j.query) for j in judged},
        "common_word_queries": len(common),
        "common_word_queries_empty": empty,
        "variant_pairs": len(pairs),
        "variant_pairs_equal": equal,
    }


def _recreate_postgres(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _start_child(kind: str, data_path: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bench.search", "--child", kind, "--data", data_path],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _child_result(kind: str, proc: subprocess.Popen) -> dict | None:
    out, err = proc.communicate()
    if proc.returncode != 0:
        print(f"{kind} run failed:\n{err[-3000:]}", file=sys.stderr)
        return None
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--items", type=int, default=None)
    parser.add_argument("--queries", type=int, default=None)
    parser.add_argument("--child", choices=["sqlite", "postgres"])
    parser.add_argument("--data")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.data)
        return
    n = args.items or (2000 if args.quick else 100_000)
    query_count = args.queries or (50 if args.quick else 200)

    django_on_scratch_database()
    started = time.perf_counter()
    items, vocab, weights = generate(n)
    print(f"generated {n} items in {time.perf_counter() - started:.1f}s", flush=True)
    prepared, segment_s = segment_all(items)
    chars = sum(len(i["title"]) + len(i["description"]) + len(i["body"]) for i in items)
    print(f"segmented {n} items ({chars / n:.0f} chars each) in {segment_s:.1f}s", flush=True)
    queries = make_queries(query_count, vocab, weights)
    data_path = os.path.join(tempfile.mkdtemp(prefix="khlang-bench-search-"), "data.pickle")
    with open(data_path, "wb") as fh:
        pickle.dump({"prepared": prepared, "queries": queries, "quick": args.quick}, fh)
    del items, prepared

    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "KHLANG_VAR_DIR"}}
    env.setdefault(
        "KHLANG_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/khlang_bench_search"
    )
    results = {}
    # A full run measures one database at a time; a quick run, a smoke test that
    # must end within two minutes, runs both at once (latencies then share the CPU).
    kinds = ("sqlite", "postgres")
    running = {kind: _start_child(kind, data_path, env) for kind in kinds} if args.quick else {}
    for kind in kinds:
        proc = running.get(kind) or _start_child(kind, data_path, env)
        results[kind] = _child_result(kind, proc)
        shown = {k: v for k, v in (results[kind] or {}).items() if k != "top10"}
        print(f"{kind}: {json.dumps(shown, ensure_ascii=False)}", flush=True)
    os.remove(data_path)
    _report(n, len(queries), segment_s, results)


def _trust_report(sqlite: dict, pg: dict) -> dict:
    """The relevance figures over both databases: the worse of the two, and how
    often their top 10 agree."""
    ran = [r for r in (sqlite, pg) if r.get("relevance")]
    if not ran:
        return {}
    both = [r for r in ran if r.get("top10")]
    agreement = None
    if len(both) == 2:
        queries = list(both[0]["top10"])
        same = sum(1 for q in queries if both[0]["top10"][q] == both[1]["top10"].get(q))
        agreement = round(same / max(len(queries), 1), 4)
    return {
        "judged_queries": len(ran[0].get("top10", {})),
        "recall_at_10_min_backend": min(r["relevance"]["recall_at_10"] for r in ran),
        "ndcg_at_10_min_backend": min(r["relevance"]["ndcg_at_10"] for r in ran),
        "top10_agreement": agreement,
        "stopword_queries": ran[0].get("common_word_queries"),
        "stopword_queries_zero_results": max(
            len(r.get("common_word_queries_empty", [])) for r in ran
        ),
        "variant_pairs": ran[0].get("variant_pairs"),
        "variant_pairs_equal": round(
            min(r["variant_pairs_equal"] / max(r["variant_pairs"], 1) for r in ran), 4
        ),
    }


def _report(n: int, queries: int, segment_s: float, results: dict) -> None:
    sqlite, pg = results.get("sqlite") or {}, results.get("postgres") or {}

    def lat(r, name, key):
        return r.get("latency", {}).get(name, {}).get(key)

    def rate(r):
        return round(n / (segment_s + r["write_s"]), 1) if r.get("write_s") else None

    speed = None
    if sqlite:
        speed = round(lat(sqlite, "icontains", "mean_ms") / lat(sqlite, "index", "mean_ms"), 1)
    out = {
        "bench": "search",
        "items": n,
        "queries": queries,
        "sqlite_p50_ms": lat(sqlite, "index", "p50_ms"),
        "sqlite_p95_ms": lat(sqlite, "index", "p95_ms"),
        "postgres_p50_ms": lat(pg, "index", "p50_ms"),
        "postgres_p95_ms": lat(pg, "index", "p95_ms"),
        "sqlite_icontains_p95_ms": lat(sqlite, "icontains", "p95_ms"),
        "postgres_icontains_p95_ms": lat(pg, "icontains", "p95_ms"),
        "speedup_vs_icontains": speed,
        "postgres_speedup_vs_icontains": round(
            lat(pg, "icontains", "mean_ms") / lat(pg, "index", "mean_ms"), 1
        )
        if pg
        else None,
        "segment_items_per_s": round(n / segment_s, 1),
        "sqlite_index_items_per_s": rate(sqlite) if sqlite else None,
        "postgres_index_items_per_s": rate(pg) if pg else None,
        "recall_at_10": sqlite.get("relevance", {}).get("recall_at_10"),
        "ndcg_at_10": sqlite.get("relevance", {}).get("ndcg_at_10"),
        "postgres_recall_at_10": pg.get("relevance", {}).get("recall_at_10"),
        "postgres_ndcg_at_10": pg.get("relevance", {}).get("ndcg_at_10"),
        "icontains_recall_at_10": sqlite.get("icontains_relevance", {}).get("recall_at_10"),
        "engines": sqlite.get("engines"),
        **_trust_report(sqlite, pg),
    }
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
