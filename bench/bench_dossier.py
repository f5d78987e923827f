"""A 500-page handover dossier against a bare merge of the same PDFs (goal: the volume ≤ 2× the merge).

Run from the repository root:  .venv/bin/python bench/bench_dossier.py [--files 50] [--pages 10] [--runs 3]

A sealed case is filed with FILES scanned documents of PAGES pages each (image-only pages from the
scan simulator, as a scanner gives them, reused in different orders so that every file is new
bytes). daiban's dossier (cover, 卷内目录, stamping every page, 归档章, bookmarks, page labels, the
PDF/A identification, the PAdES signature, and the BagIt package) is timed in process, median of
RUNS; the baseline in the same run is `qpdf --empty --pages … --` merging the same PDFs. The
steps are timed too, so what dominates shows.
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import pikepdf

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive.casework import cases, filing  # noqa: E402
from archive.casework.agency import new_archive  # noqa: E402
from archive.catalog.session import Archive  # noqa: E402
from archive.dataroot.settings import Agency  # noqa: E402
from archive.outputs import dossier as dossier_module  # noqa: E402
from archive.outputs.dossier import build_dossier  # noqa: E402
from bench.scans import make_scan, variant  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
# A generated form of the v6 fixture root: one A4 page, as daiban prints it.
FORM = (ROOT / "tests" / "fixtures" / "roots" / "schema-v6" / "cases" / "2026"
        / "DB-2026-0001 晋城市新能源装备制造产业园项目" / "10 表单" / "0007 代办任务分解计划表 v1.pdf")


def scanned_pages(work: Path, count: int) -> list[Path]:
    """Single-page scans made once by the simulator from a generated form."""
    return [make_scan(FORM, variant("150dpi"), work / f"scan{n}", seed=n + 1) for n in range(count)]


def documents(work: Path, scans: list[Path], files: int, pages: int) -> list[Path]:
    """FILES PDFs of PAGES scanned pages each, every one different bytes."""
    made = []
    sources = [pikepdf.open(s) for s in scans]
    for f in range(files):
        with pikepdf.new() as pdf:
            for p in range(pages):
                pdf.pages.append(sources[(f + p) % len(sources)].pages[0])
            pdf.docinfo["/Title"] = f"批复{f}"
            path = work / "docs" / f"批复{f:03d}.pdf"
            path.parent.mkdir(parents=True, exist_ok=True)
            pdf.save(path)
        made.append(path)
    return made


def case_with(work: Path, pdfs: list[Path]) -> tuple[Archive, str]:
    agency = Agency(name="晋城市政务服务中心项目代办服务中心", short="晋代办", city="晋城市", phone="0356-2021888",
                    address="晋城市泽州路1188号", fonds="Z035", report_email="zwfw@example.gov.cn")
    archive = new_archive(work / "root", "基准", agency, self_signed=True)
    case = cases.open_case(archive, tomllib.loads((ROOT / "demo" / "case.toml").read_text(encoding="utf-8")))
    filing.file_paths(archive, case.case_no, pdfs, category="批复证照")
    return archive, case.case_no


def qpdf_merge(pdfs: list[Path], out: Path) -> float:
    started = time.perf_counter()
    subprocess.run(["qpdf", "--empty", "--pages", *map(str, pdfs), "--", str(out)], check=True)
    return time.perf_counter() - started


def timed_steps(archive: Archive, case_no: str, out: Path) -> tuple[float, dict[str, float]]:
    """Build the dossier, timing the whole and the slow steps (by wrapping them)."""
    spent: dict[str, float] = {}
    steps = ("assemble", "make_package", "sign_pdf", "_handover_list")
    originals = {name: getattr(dossier_module, name) for name in steps}

    def wrap(name, fn):
        def inner(*args, **kwargs):
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - started
        return inner

    for name, fn in originals.items():
        setattr(dossier_module, name, wrap(name, fn))
    try:
        started = time.perf_counter()
        build_dossier(archive, case_no, out)
        total = time.perf_counter() - started
    finally:
        for name, fn in originals.items():
            setattr(dossier_module, name, fn)
    return total, spent


def main() -> None:
    """Parse the arguments, build the case once, then time dossier and qpdf RUNS times each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=50)
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="daiban-bench-dossier-") as tmp:
        work = Path(tmp)
        pdfs = documents(work, scanned_pages(work, 10), args.files, args.pages)
        archive, case_no = case_with(work, pdfs)
        ours, bare, steps = [], [], []
        for run in range(args.runs):
            total, spent = timed_steps(archive, case_no, work / f"out{run}")
            ours.append(total)
            steps.append(spent)
            bare.append(qpdf_merge(pdfs, work / f"qpdf{run}.pdf"))
        built = next((work / "out0").glob("*.pdf"))
        with pikepdf.open(built) as pdf:
            pages = len(pdf.pages)
        # The goal counts the volume (cover, 目录, bookmarks, stamping, signature); the bag and its 移交清单
        # (a form converted by LibreOffice) are reported apart.
        volume = statistics.median(total - s.get("make_package", 0.0) - s.get("_handover_list", 0.0)
                                   for total, s in zip(ours, steps, strict=True))
        theirs = statistics.median(bare)
        size = sum(p.stat().st_size for p in pdfs)
        print(f"dossier: {args.files} files ({size / 1e6:.0f} MB), {pages} pages in the volume "
              f"({built.stat().st_size / 1e6:.0f} MB)")
        print(f"daiban volume (median of {args.runs}): {volume:.2f} s; qpdf merge: {theirs:.2f} s; "
              f"ratio {volume / theirs:.2f}x; with the BagIt package: {statistics.median(ours):.2f} s")
        for name in ("assemble", "sign_pdf", "_handover_list", "make_package"):
            print(f"  {name}: {statistics.median(s.get(name, 0.0) for s in steps):.2f} s")


if __name__ == "__main__":
    main()
