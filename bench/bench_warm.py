"""A 10-form packet's .docx to PDF through a warm LibreOffice, against one cold soffice call on the same 10 files.

    .venv/bin/python bench/bench_warm.py --rounds 5

Ours: WarmConverter.convert on the 10 .docx (rendered once, as bench_packet.py renders them,
with the real templates): one job to a LibreOffice already running, with its private profile,
the shipped fontconfig and the lossless PDF options. Its start-up and its first job are timed
once, before the rounds, and reported apart. Baseline, same run: `soffice --headless
--convert-to pdf --outdir D <10 .docx>` with a fresh profile (bench_packet.run_bare). Rounds
alternate ours and baseline; medians are reported. Goal: ratio ≤ 0.5. For comparison, also
today's cold convert_to_pdf (one soffice call with PDF_FILTER, under the guard) and two warm
converters in two threads, 5 of the files each (what a pool of two offices would give).
"""

import argparse
import shutil
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench_packet import PACKET_SIZE, fmt, run_bare, template_dirs
from fixtures.docgen.builders import realistic_context  # tests/ is on sys.path once bench_packet is imported

from docgen.catalog import load_catalog
from docgen.convert import convert_to_pdf
from docgen.render import RenderJob, render_forms
from docgen.warmconvert import WarmConverter


def timed(action) -> float:
    """Seconds one call of action takes."""
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def convert_split(pair: list[WarmConverter], docx: list[Path], out: Path) -> None:
    """Half of the files through each converter of the pair, at the same time."""
    halves = [docx[: len(docx) // 2], docx[len(docx) // 2:]]
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda n: pair[n].convert(halves[n], out / str(n)), range(2)))


def main() -> None:
    """Render the packet once, start the converter, then alternate warm jobs and cold calls."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    specs = list(load_catalog().forms.values())[:PACKET_SIZE]
    warm_times, cold_times, today_times, pair_times = [], [], [], []
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        dirs, kind = template_dirs(specs, scratch)
        jobs = [RenderJob(spec, realistic_context(spec)) for spec in specs]
        docx = render_forms(jobs, [scratch / "docx" / f"{job.spec.id}.docx" for job in jobs], dirs)
        with (WarmConverter(workdir=scratch / "office") as converter,
              WarmConverter(workdir=scratch / "office-a") as one, WarmConverter(workdir=scratch / "office-b") as two):
            start_s = timed(converter.start)
            first_s = timed(lambda: converter.convert(docx, scratch / "first"))
            for helper in (one, two):
                helper.start()
                helper.convert(docx[:1], scratch / "pair-first")
            for round_no in range(args.rounds):
                warm_times.append(timed(lambda n=round_no: converter.convert(docx, scratch / f"warm{n}")))
                bare_dir = scratch / f"bare{round_no}"
                bare_dir.mkdir()
                copies = [Path(shutil.copy(d, bare_dir / d.name)) for d in docx]
                cold_times.append(run_bare(copies, bare_dir / "pdf"))
                today_times.append(timed(lambda n=round_no: convert_to_pdf(docx, scratch / f"today{n}")))
                pair_times.append(timed(lambda n=round_no: convert_split([one, two], docx, scratch / f"pair{n}")))
    warm_s, cold_s = statistics.median(warm_times), statistics.median(cold_times)
    print(f"packet of {len(jobs)} forms ({kind}), {args.rounds} rounds, median")
    print(f"warm converter start-up (once, before the rounds)   : {start_s:6.2f} s")
    print(f"its first job after start-up (once)                 : {first_s:6.2f} s")
    print(f"warm converter, one job of the 10 .docx             : {warm_s:6.2f} s   rounds {fmt(warm_times)}")
    print(f"cold soffice --convert-to pdf on the same 10 .docx  : {cold_s:6.2f} s   rounds {fmt(cold_times)}")
    today_s, pair_s = statistics.median(today_times), statistics.median(pair_times)
    print(f"cold convert_to_pdf (today's path) on the same 10   : {today_s:6.2f} s   rounds {fmt(today_times)}")
    print(f"two warm converters in parallel, 5 .docx each      : {pair_s:6.2f} s   rounds {fmt(pair_times)}")
    print(f"ratio warm/cold: {warm_s / cold_s:.2f}x (goal <= 0.50); warm/convert_to_pdf: {warm_s / today_s:.2f}x; "
          f"two in parallel/cold: {pair_s / cold_s:.2f}x")


if __name__ == "__main__":
    main()
