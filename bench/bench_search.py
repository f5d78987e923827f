"""Full-text search benchmark: build rate, memory, size, latency and recall of both index
backends, with SQLite FTS5 (trigram) on the same corpus and queries as the baseline.

    .venv/bin/python bench/bench_search.py --docs 10000

Each engine is built in its own subprocess (peak RSS from getrusage); queries run warm,
through index.search.SearchSession (daiban's own search function).
"""

import argparse
import datetime
import json
import random
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

from corpus import DOCUMENT_TYPES, cases, generate, percentile, seed_sentences

from index import whoosh_backend
from index.analysis import index_terms
from index.document import IndexDoc
from index.maintenance import rebuild
from index.normalize import normalize_text
from index.query import Filters
from index.registry import directory_size
from index.search import SearchSession

ENGINES = ("whoosh", "tantivy", "fts5")
QUERY_TYPES = ("one term", "two terms", "phrase", "person", "company", "case filter", "form filter",
               "date range", "many hits", "project code", "traditional", "one character")
DOMAIN_WORDS = ("用地", "规划", "环评", "消防", "验收", "备案", "审批", "协调", "材料", "督办", "补正", "许可",
                "施工", "节能", "人防", "供电", "取水", "登记", "预审", "图审")
# The goals at 100k documents; the single-character slow path has none.
GOAL_TYPES = QUERY_TYPES[:-1]
GOALS = {"tantivy": {t: 30.0 for t in GOAL_TYPES},
         "whoosh": {t: 50.0 if t in ("person", "company", "case filter") else 1000.0 for t in GOAL_TYPES}}
_LATIN_DIGIT = re.compile(r"[0-9A-Za-z]")
_CJK = re.compile(r"[\u4e00-\u9fff]+")


@dataclass(frozen=True)
class BenchQuery:
    """One query of the latency mix."""

    kind: str
    text: str
    filters: Filters


def searchable(doc: IndexDoc) -> str:
    """Return every field an unqualified word is searched in, joined by a separator."""
    values = (doc.title, doc.project_name, doc.unit, doc.case_no, doc.doc_no, doc.author, doc.category,
              *doc.people, doc.project_code, doc.credit_code, doc.text)
    return "\x1e".join(normalize_text(v) for v in values)


# ---------------------------------------------------------------- building (child process)

def timed(docs: Iterator[IndexDoc], clock: list[float]) -> Iterator[IndexDoc]:
    """Yield docs, adding the time spent generating them to clock[0]."""
    while True:
        started = time.perf_counter()
        doc = next(docs, None)
        clock[0] += time.perf_counter() - started
        if doc is None:
            return
        yield doc


def build_index(engine: str, n_docs: int, path: Path) -> dict:
    """Build one engine's index from the corpus; return its figures (rate net of corpus generation)."""
    clock = [0.0]
    docs = timed(generate(n_docs), clock)
    started = time.perf_counter()
    if engine == "fts5":
        build_fts5(docs, path)
    else:
        rebuild(path, docs, engine, total=n_docs, batch_size=1000)
    seconds = time.perf_counter() - started - clock[0]
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"engine": engine, "docs": n_docs, "seconds": seconds, "corpus_seconds": clock[0],
            "docs_per_s": n_docs / seconds, "peak_rss_mb": rss_kb / 1024, "size_mb": directory_size(path) / 2**20}


def build_fts5(docs: Iterator[IndexDoc], path: Path) -> None:
    """Build the FTS5 trigram baseline: one text column, filters in a plain table."""
    path.mkdir(parents=True)
    db = sqlite3.connect(path / "fts.sqlite")
    db.execute("CREATE TABLE meta(id INTEGER PRIMARY KEY, case_no TEXT, form_id TEXT, date TEXT)")
    db.execute("CREATE VIRTUAL TABLE fts USING fts5(body, tokenize='trigram')")
    batch: list[IndexDoc] = []
    for doc in docs:
        batch.append(doc)
        if len(batch) == 1000:
            _insert_fts5(db, batch)
            batch = []
    _insert_fts5(db, batch)
    db.execute("CREATE INDEX meta_case ON meta(case_no)")
    db.execute("CREATE INDEX meta_form ON meta(form_id)")
    db.execute("CREATE INDEX meta_date ON meta(date)")
    db.commit()
    db.close()


def _insert_fts5(db: sqlite3.Connection, docs: list[IndexDoc]) -> None:
    db.executemany("INSERT INTO meta VALUES (?,?,?,?)",
                   [(d.doc_id, d.case_no, d.form_id, d.date.isoformat() if d.date else None) for d in docs])
    db.executemany("INSERT INTO fts(rowid, body) VALUES (?,?)", [(d.doc_id, searchable(d)) for d in docs])
    db.commit()


def tree_rss_kb(pid: int) -> int:
    """Return the summed VmRSS of a process and its descendants, read from /proc."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, AttributeError):
            continue
    return total


def build_in_subprocess(engine: str, n_docs: int, path: Path, whoosh_procs: int) -> dict:
    """Run build_index in a fresh interpreter, sampling the memory of its whole process tree."""
    command = [sys.executable, __file__, "--build", engine, "--docs", str(n_docs), "--dir", str(path),
               "--whoosh-procs", str(whoosh_procs)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    while child.poll() is None:
        peak = max(peak, tree_rss_kb(child.pid))
        time.sleep(0.2)
    out, err = child.communicate()
    if child.returncode:
        raise RuntimeError(f"build of {engine} failed: {err}")
    figures = json.loads(out.strip().splitlines()[-1])
    figures["tree_rss_mb"] = peak / 1024
    return figures


# ---------------------------------------------------------------- corpus facts for queries and recall

@dataclass
class CorpusFacts:
    """What the parent keeps of the corpus: searchable text per doc id and query material."""

    texts: dict[int, str]
    doc_cases: dict[int, str]
    terms: int
    frame_terms: int
    body_bytes: int


def corpus_facts(n_docs: int) -> CorpusFacts:
    """Stream the corpus once, keeping lower-cased searchable text and analysis counts."""
    facts = CorpusFacts({}, {}, 0, 0, 0)
    for doc in generate(n_docs):
        facts.texts[doc.doc_id] = searchable(doc).lower()
        facts.doc_cases[doc.doc_id] = doc.case_no
        terms = index_terms(doc.text)
        facts.terms += len(terms)
        facts.frame_terms += sum(len(run) >= 2 for run in _CJK.findall(doc.text)) * 2
        facts.body_bytes += len(doc.text.encode("utf-8"))
    return facts


def query_mix(n_docs: int, per_type: int, seed: int = 11) -> list[BenchQuery]:
    """Return per_type queries of every type, drawn from the corpus's own cases and wording."""
    rng = random.Random(seed)
    all_cases = cases(n_docs)
    phrases = [run for s in seed_sentences() for run in _CJK.findall(s) if len(run) >= 8]
    forms = sorted({form for form, *_ in DOCUMENT_TYPES if form})
    queries = []
    for _ in range(per_type):
        case = rng.choice(all_cases)
        phrase = rng.choice(phrases)
        start = rng.randrange(len(phrase) - 4)
        day = case.opened + datetime.timedelta(days=rng.randrange(120))
        company = rng.choice((case.unit, case.unit[:len(case.place) + 2]))
        queries += [
            BenchQuery("one term", rng.choice(DOMAIN_WORDS), Filters()),
            BenchQuery("two terms", " ".join(rng.sample(DOMAIN_WORDS, 2)), Filters()),
            BenchQuery("phrase", f'"{phrase[start:start + rng.randrange(4, 9)]}"', Filters()),
            BenchQuery("person", rng.choice((case.manager, case.contact) + case.agents), Filters()),
            BenchQuery("company", company, Filters()),
            BenchQuery("case filter", rng.choice(DOMAIN_WORDS), Filters(case_no=case.case_no)),
            BenchQuery("form filter", rng.choice(DOMAIN_WORDS), Filters(form_id=rng.choice(forms))),
            BenchQuery("date range", rng.choice(DOMAIN_WORDS),
                       Filters(since=day, until=day + datetime.timedelta(days=30))),
            BenchQuery("many hits", rng.choice(("代办", "项目", "审批")), Filters()),
            BenchQuery("project code", case.project_code, Filters()),
            BenchQuery("traditional", traditional(phrase[start:start + rng.randrange(4, 9)]), Filters()),
            BenchQuery("one character", rng.choice(case.manager[1:] + case.unit[:4]), Filters()),
        ]
    return queries


@cache
def _to_traditional() -> dict[str, str]:
    lines = (files("opencc") / "dictionary" / "STCharacters.txt").read_text(encoding="utf-8").splitlines()
    return {source: targets.split(" ")[0] for source, _, targets in (line.partition("\t") for line in lines)}


def traditional(text: str) -> str:
    """Write simplified text in traditional characters (OpenCC's table, first choice), as a user in Hong Kong might."""
    table = _to_traditional()
    return "".join(table.get(c, c) for c in text)


# ---------------------------------------------------------------- FTS5 baseline queries

def fts5_search(db: sqlite3.Connection, query: BenchQuery, limit: int = 10) -> list[int]:
    """Run a bench query on FTS5: MATCH for words of 3+ characters, LIKE (a scan) below that."""
    words = [w.strip('"').lower() for w in query.text.split()]
    where, args = [], []
    for word in words:
        if len(word) >= 3:
            where.append("fts MATCH ?")
            args.append('"' + word.replace('"', '""') + '"')
        else:
            where.append("fts.body LIKE ?")
            args.append(f"%{word}%")
    f = query.filters
    for column, value in (("case_no", f.case_no), ("form_id", f.form_id)):
        if value:
            where.append(f"meta.{column} = ?")
            args.append(value)
    if f.since:
        where.append("meta.date BETWEEN ? AND ?")
        args += [f.since.isoformat(), f.until.isoformat()]
    has_match = any(len(w) >= 3 for w in words)
    sql = (f"SELECT fts.rowid FROM fts JOIN meta ON meta.id = fts.rowid WHERE {' AND '.join(where)}"
           f"{' ORDER BY rank' if has_match else ''} LIMIT {limit}")
    return [row[0] for row in db.execute(sql, args)]


# ---------------------------------------------------------------- latency and recall

def latencies(run, queries: list[BenchQuery]) -> dict[str, tuple[float, float]]:
    """Run every query once to warm up, then time each; return {type: (p50 ms, p95 ms)}."""
    for query in queries:
        run(query)
    times: dict[str, list[float]] = {kind: [] for kind in QUERY_TYPES}
    for query in queries:
        started = time.perf_counter()
        run(query)
        times[query.kind].append((time.perf_counter() - started) * 1000)
    return {kind: (statistics.median(ms), percentile(ms, 0.95)) for kind, ms in times.items()}


def recall_samples(facts: CorpusFacts, count: int, seed: int = 5, max_hits: int = 1000) -> list[tuple[str, set[int]]]:
    """Sample substrings of 2–8 characters that do not cut a Latin word or digit run."""
    rng = random.Random(seed)
    ids = sorted(facts.texts)
    samples: list[tuple[str, set[int]]] = []
    while len(samples) < count:
        body = facts.texts[rng.choice(ids)].split("\x1e")[-1]
        if len(body) < 10:
            continue
        size = rng.randrange(2, 9)
        start = rng.randrange(len(body) - size)
        fragment = body[start:start + size]
        before, after = body[start - 1] if start else " ", body[start + size] if start + size < len(body) else " "
        cuts_word = (_LATIN_DIGIT.match(before) and _LATIN_DIGIT.match(fragment[0])) or (
            _LATIN_DIGIT.match(after) and _LATIN_DIGIT.match(fragment[-1]))
        if cuts_word or any(c.isspace() or c in '"\x1e' for c in fragment) or not _CJK.search(fragment):
            continue
        edge = re.compile(("(?<![0-9a-z])" if _LATIN_DIGIT.match(fragment[0]) else "") + re.escape(fragment)
                          + ("(?![0-9a-z])" if _LATIN_DIGIT.match(fragment[-1]) else ""))
        expected = {i for i, text in facts.texts.items() if fragment in text and edge.search(text)}
        if len(expected) <= max_hits:
            samples.append((fragment, expected))
    return samples


def recall(session: SearchSession, samples: list[tuple[str, set[int]]]) -> dict:
    """Return mean recall and precision of quoted-substring queries against the substring truth."""
    recalls, precisions, misses = [], [], []
    for fragment, expected in samples:
        first = session.search(f'"{fragment}"', limit=1000)
        got = {h.doc.doc_id for h in first.hits}
        for page in range(2, first.pages + 1):
            got |= {h.doc.doc_id for h in session.search(f'"{fragment}"', page=page, limit=1000).hits}
        recalls.append(len(got & expected) / len(expected))
        if _CJK.fullmatch(fragment):
            precisions.append(len(got & expected) / len(got) if got else 1.0)
        if expected - got:
            misses.append(fragment)
    return {"samples": len(samples), "recall": statistics.mean(recalls), "min_recall": min(recalls),
            "precision": statistics.mean(precisions) if precisions else float("nan"),
            "precision_samples": len(precisions), "missed": misses[:10]}


# ---------------------------------------------------------------- report

def print_results(n_docs: int, builds: dict, lat: dict, recalls: dict, facts: CorpusFacts, opens: dict) -> None:
    """Print every figure as Markdown tables, with ratios to the FTS5 baseline."""
    print(f"\n## {n_docs:,} documents ({facts.body_bytes / n_docs:.0f} bytes of text per document)\n")
    print("| engine | build s (net of corpus generation) | docs/s | peak RSS MB (process / with helpers) "
          "| index MB | open ms |")
    print("|---|---|---|---|---|---|")
    for engine, b in builds.items():
        print(f"| {engine} | {b['seconds']:.1f} | {b['docs_per_s']:.0f} | {b['peak_rss_mb']:.0f} / "
              f"{b.get('tree_rss_mb', float('nan')):.0f} | {b['size_mb']:.1f} | "
              f"{opens.get(engine, float('nan')):.1f} |")
    print(f"\nanalysis: {facts.terms / n_docs:.0f} terms per document text, of which "
          f"{100 * facts.frame_terms / facts.terms:.1f}% are run-frame unigrams (single-character support); "
          f"stored text {facts.body_bytes / 2**20:.1f} MB raw")
    engines = list(lat)
    print("\n| query (p50 / p95 ms) | " + " | ".join(engines) + " | p50 ratio to fts5 |")
    print("|---|" + "---|" * (len(engines) + 1))
    for kind in QUERY_TYPES:
        cells = [f"{lat[e][kind][0]:.1f} / {lat[e][kind][1]:.1f}" for e in engines]
        base = lat.get("fts5", {}).get(kind, (0, 0))[0]
        ratios = ", ".join(f"{e} {lat[e][kind][0] / base:.2g}×" for e in engines if e != "fts5" and base > 0)
        print(f"| {kind} | " + " | ".join(cells) + f" | {ratios} |")
    print("\n| goal (p95) | result |\n|---|---|")
    for engine, goals in GOALS.items():
        if engine in lat:
            missed = [f"{k} {lat[engine][k][1]:.0f} ms > {g:.0f}" for k, g in goals.items() if lat[engine][k][1] > g]
            print(f"| {engine} | {'met' if not missed else 'MISSED: ' + '; '.join(missed)} |")
    print("\n| recall check | samples | mean recall | min recall | precision (pure-CJK samples) | missed |")
    print("|---|---|---|---|---|---|")
    for engine, r in recalls.items():
        print(f"| {engine} | {r['samples']} | {r['recall']:.4f} | {r['min_recall']:.3f} | "
              f"{r['precision']:.4f} ({r['precision_samples']}) | {', '.join(r['missed']) or '—'} |")


def main() -> None:
    """Build, query and report (or, with --build, build one engine and print its figures)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--per-type", type=int, default=40, help="queries of each type in the mix")
    parser.add_argument("--recall-samples", type=int, default=200)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/daiban-bench-search"))
    parser.add_argument("--whoosh-procs", type=int, default=whoosh_backend.BULK_PROCS)
    parser.add_argument("--reuse", action="store_true", help="query indexes built by an earlier run")
    parser.add_argument("--build", help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    whoosh_backend.BULK_PROCS = args.whoosh_procs
    if args.build:
        print(json.dumps(build_index(args.build, args.docs, args.dir)))
        return

    engines = args.engines.split(",")
    root = args.workdir / str(args.docs)
    builds: dict[str, dict] = {}
    figures = root / "builds.json"
    if args.reuse and figures.exists():
        builds = json.loads(figures.read_text())
    for engine in engines:
        if engine not in builds:
            shutil.rmtree(root / engine, ignore_errors=True)
            root.mkdir(parents=True, exist_ok=True)
            builds[engine] = build_in_subprocess(engine, args.docs, root / engine, args.whoosh_procs)
            figures.write_text(json.dumps(builds))
            print(f"built {engine}: {builds[engine]}", file=sys.stderr, flush=True)
    facts = corpus_facts(args.docs)
    queries = query_mix(args.docs, args.per_type)
    samples = recall_samples(facts, args.recall_samples)
    lat, recalls, opens = {}, {}, {}
    for engine in engines:
        if engine == "fts5":
            db = sqlite3.connect(root / "fts5" / "fts.sqlite")
            lat[engine] = latencies(lambda q, db=db: fts5_search(db, q), queries)
            db.close()
            continue
        started = time.perf_counter()
        session = SearchSession(root / engine)
        opens[engine] = (time.perf_counter() - started) * 1000
        lat[engine] = latencies(lambda q, session=session: session.search(q.text, q.filters, limit=10), queries)
        recalls[engine] = recall(session, samples)
        session.close()
        print(f"queried {engine}", file=sys.stderr, flush=True)
    print_results(args.docs, {e: builds[e] for e in engines}, lat, recalls, facts, opens)


if __name__ == "__main__":
    main()
