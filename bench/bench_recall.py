"""Search recall on what a person sees on the page, per kind of query and per backend.

Run from the repository root:  .venv/bin/python bench/bench_recall.py

A data root gets a case whose people have Extension A/B characters in their names, five
matters, five generated forms (rendered by LibreOffice) and three uploaded reports
(bench/visible_docs.py: a ruled table with wrapping cells, a code wrapped at a hyphen,
sentences over page breaks under a page-number footer, a paragraph in traditional
characters; each with other wording, so its page breaks fall elsewhere).

The ground truth is what the pages show, read independently of daiban: the forms'
.docx through python-docx (cells, paragraphs, footers), the reports as built and as
pypdfium2 reads their lines. Every query must find the document it was taken from by
the document's own text, not through the case's metadata (the case's codes: every
document of the case, by either).

The baseline, in the same run, is the same index built from the same records with the
text an earlier daiban stored: plain pdftotext, NFKC-folded (index.normalize.normalize_text).
"""

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from docx import Document  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402

from archive.catalog.session import open_archive  # noqa: E402
from archive.indexing.records import index_records  # noqa: E402
from bench.bench_search import traditional  # noqa: E402
from bench.bench_tables import daiban, init_root  # noqa: E402
from bench.visible_docs import build_report  # noqa: E402
from index.maintenance import rebuild  # noqa: E402
from index.normalize import normalize_text  # noqa: E402
from index.search import SearchSession  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BACKENDS = ("whoosh", "tantivy")
FORMS = ("taskplan", "notice", "card", "ledger", "entrust")
PEOPLE = {"项目长": "李明", "代办员": ["张𠮷", "王㐂"], "联系人": "赵𪚥"}
MATTERS = [
    ("立项", "企业投资项目备案", "县级", "泽州县行政审批服务管理局", "1"),
    ("立项", "建设项目用地预审与选址意见书", "市级", "晋城市规划和自然资源局", "10"),
    ("工程", "建设工程规划许可证核发", "市级", "晋城市规划和自然资源局", "5"),
    ("竣工", "建设工程消防验收备案", "市级", "晋城市住房和城乡建设局", "5"),
    ("施工", "建设项目环境影响报告表审批", "市级", "晋城市生态环境局", "20"),
]
WINDOW = 6
_PUNCTUATION = re.compile(r"[，。：；、“”‘’（）《》〔〕【】]")
_EXT = re.compile("[\u3400-\u4dbf\U00020000-\U0003134f]")
_CODE = re.compile(r"\d{4}-\d{6}-\d{2}-\d{2}-\d{6}|[0-9A-Z]{18}")
_QUERY_SYNTAX = re.compile(r'["\s]|^-|:|：')


@dataclass(frozen=True)
class Probe:
    """One query taken from what a page shows, and the documents it must find.

    by_text: found only where the document's own text matches (not through the case's metadata).
    """

    kind: str
    query: str
    expected: frozenset[str]
    by_text: bool = True


REPORT_SEEDS = (1, 2, 3)
Phrases = dict[str, list[str]]


def make_root(work: Path) -> tuple[Path, str, list[tuple[str, Phrases]]]:
    """A root with one case, its matters, five generated forms and the uploaded reports (path, phrases)."""
    root = work / "root"
    init_root(root)
    facts = (ROOT / "demo" / "case.toml").read_text(encoding="utf-8")
    for role, names in PEOPLE.items():
        facts = re.sub(f'(?m)^"{role}" = .*$', f'"{role}" = {json.dumps(names, ensure_ascii=False)}', facts)
    (work / "case.toml").write_text(facts, encoding="utf-8")
    case_no = json.loads(daiban(root, "case", "new", "--from", str(work / "case.toml"), "--json"))["case_no"]
    for stage, name, level, dept, days in MATTERS:
        daiban(root, "matter", "add", case_no, "--stage", stage, "--name", name, "--level", level, "--dept", dept,
               "--days", days)
    for form in FORMS:
        daiban(root, "render", case_no, form)
    reports = []
    for seed in REPORT_SEEDS:
        (work / f"report{seed}").mkdir()
        report = build_report(work / f"report{seed}", seed)
        filed = json.loads(daiban(root, "file", case_no, str(report.pdf), "--category", "工作联系函", "--json"))
        reports.append((filed["documents"][0]["path"], report.phrases))
    return root, case_no, reports


def _usable(text: str) -> bool:
    return len(text) >= 2 and not _QUERY_SYNTAX.search(text) and "__" not in text


def _ascii_word(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _window(text: str, start: int) -> str:
    """WINDOW characters from start, widened so that no number or Latin word is cut (they match whole)."""
    end = min(len(text), start + WINDOW)
    while start > 0 and _ascii_word(text[start - 1]) and _ascii_word(text[start]):
        start -= 1
    while end < len(text) and _ascii_word(text[end - 1]) and _ascii_word(text[end]):
        end += 1
    return text[start:end]


def _windows(rng: random.Random, block: str, count: int) -> list[str]:
    """Random windows inside one cell or paragraph: what a person could copy from one place on the page."""
    text = re.sub(r"\s+", "", block)
    if len(text) <= WINDOW:
        return [text] if _usable(text) else []
    windows = (_window(text, rng.randrange(len(text) - WINDOW)) for _ in range(count))
    return [w for w in windows if _usable(w)]


def _shown(paragraph) -> str:
    # Every text run, field results included (python-docx's .text leaves out the page number).
    return "".join(t.text or "" for t in paragraph._p.iter(qn("w:t"))).strip()


def form_probes(rng: random.Random, docx: Path, pdf: str) -> list[Probe]:
    """Queries from a generated form as python-docx reads it: cells, paragraphs, footer."""
    document = Document(str(docx))
    footer = document.sections[0].footer
    cell_lines = sorted({tuple(filter(None, map(_shown, c.paragraphs)))
                         for t in [*document.tables, *footer.tables] for r in t.rows for c in r.cells})
    cells = [" ".join(lines) for lines in cell_lines if lines]
    paragraphs = [text for p in [*document.paragraphs, *footer.paragraphs] if (text := _shown(p))]
    blocks = [line for lines in cell_lines for line in lines] + paragraphs
    found = frozenset({pdf})
    probes = [Probe("table cell", re.sub(r"\s+", " ", c), found) for c in cells if _usable(c)]
    probes += [Probe("paragraph", w, found) for p in paragraphs for w in _windows(rng, p, 2)]
    probes += [Probe("punctuation", w, found) for b in blocks for w in _windows(rng, b, 4) if _PUNCTUATION.search(w)]
    probes += [Probe("traditional", traditional(w), found) for b in blocks for w in _windows(rng, b, 1)
               if traditional(w) != w]
    shown = "\n".join(blocks)
    probes += [Probe("rare character", name, found) for name in sorted(set(re.findall(r"\S?" + _EXT.pattern, shown)))]
    probes += [Probe("code", code, found) for code in sorted(set(_CODE.findall(shown)))]
    return probes


def report_probes(report_phrases: Phrases, pdf: str) -> list[Probe]:
    """Queries from the uploaded report, by the class the builder gave them."""
    return [Probe(kind, phrase, frozenset({pdf})) for kind, phrases in report_phrases.items() for phrase in phrases]


def all_probes(root: Path, case_no: str, reports: list[tuple[str, Phrases]]) -> list[Probe]:
    """Every query of the run, from the documents filed in the root."""
    rng = random.Random(3)
    shown = json.loads(daiban(root, "case", "show", case_no, "--json"))["documents"]
    pdfs = {d["form_id"]: d["path"] for d in shown if d["kind"] == "generated" and d["path"].endswith(".pdf")}
    probes = []
    for document in shown:
        if document["kind"] == "generated" and document["path"].endswith(".docx"):
            probes += form_probes(rng, root / document["path"], pdfs[document["form_id"]])
    for path, phrases in reports:
        probes += report_probes(phrases, path)
    case = json.loads(daiban(root, "case", "show", case_no, "--json"))["case"]
    everything = frozenset(d["path"] for d in shown)
    probes += [Probe("case code", case["facts"][key], everything, by_text=False)
               for key in ("project_code", "credit_code")]
    return probes


def recall(index_dir: Path, probes: list[Probe]) -> tuple[dict[str, list[bool]], list[Probe]]:
    """For each class, whether each probe found every document it must; and the misses."""
    found: dict[str, list[bool]] = defaultdict(list)
    misses = []
    with SearchSession(index_dir) as session:
        for probe in probes:
            hits = session.search(probe.query, limit=1000).hits
            paths = {hit.doc.path for hit in hits if not (probe.by_text and hit.metadata_only)}
            ok = probe.expected <= paths
            found[probe.kind].append(ok)
            if not ok:
                misses.append(probe)
    return found, misses


def old_text(root: Path, path: str) -> str:
    """The text an earlier daiban stored for a file: plain pdftotext, NFKC-folded; nothing for a .docx form."""
    if not path.endswith(".pdf"):
        return ""
    raw = subprocess.run(["pdftotext", "-enc", "UTF-8", str(root / path), "-"], capture_output=True).stdout
    return normalize_text(raw.decode("utf-8", errors="replace"))


def main() -> None:
    """Print recall per query class for both backends and for the baseline."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        root, case_no, reports = make_root(work)
        probes = all_probes(root, case_no, reports)
        archive = open_archive(root, "bench")
        records = list(index_records(archive))
        results, misses = {}, {}
        for backend in BACKENDS:
            daiban(root, "index", "rebuild", "--backend", backend)
            results[backend], misses[backend] = recall(root / "index", probes)
            baseline = work / f"baseline-{backend}"
            rebuild(baseline, iter(replace(r, text=old_text(root, r.path)) for r in records), backend)
            results[f"baseline {backend}"], misses[f"baseline {backend}"] = recall(baseline, probes)
    print_table(results)
    if args.show_misses:
        for name, missed in misses.items():
            for probe in missed:
                print(f"  {name} missed ({probe.kind}): {probe.query}")


def print_table(results: dict[str, dict[str, list[bool]]]) -> None:
    """One row per query class: queries, recall of each backend, recall of the baseline."""
    names = list(results)
    kinds = sorted({kind for result in results.values() for kind in result})
    print("| query class | queries | " + " | ".join(names) + " |")
    print("|---|---|" + "---|" * len(names))
    for kind in kinds:
        counts = len(results[names[0]][kind])
        rates = [sum(results[n][kind]) / counts for n in names]
        print(f"| {kind} | {counts} | " + " | ".join(f"{r:.3f}" for r in rates) + " |")
    total = [sum(sum(v) for v in results[n].values()) / sum(len(v) for v in results[n].values()) for n in names]
    print(f"| all | {sum(len(v) for v in results[names[0]].values())} | "
          + " | ".join(f"{r:.3f}" for r in total) + " |")


if __name__ == "__main__":
    main()
