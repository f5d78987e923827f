"""A packet of 10 forms with PDF through docgen, against one bare soffice call on the same 10 .docx.

    .venv/bin/python bench/bench_packet.py --rounds 3

Ours: the docgen steps of a packet (render_forms: check and render 10 forms;
convert_to_pdf: one LibreOffice call with a private profile and the shipped fontconfig;
merge_pdfs: one print PDF with bookmarks). Baseline, same run:
`soffice --headless --convert-to pdf --outdir D <10 .docx>` on the .docx files ours rendered
(given its own fresh profile too, so it cannot clash with other LibreOffice users). Rounds
alternate ours and baseline; medians are reported. Goal: ratio ≤ 1.3.
"""

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from docgen.catalog import BUILTIN_TEMPLATES, load_catalog
from docgen.convert import convert_to_pdf, find_soffice
from docgen.packet import PacketPart, merge_pdfs
from docgen.render import RenderJob, render_forms

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from fixtures.docgen.builders import build_template, entrust_body, realistic_context  # noqa: E402

PACKET_SIZE = 10


def template_dirs(specs, scratch: Path) -> tuple[list[Path], str]:
    """The real templates if they exist, else one fixture template per form."""
    if all((BUILTIN_TEMPLATES / s.template_name).is_file() for s in specs):
        return [BUILTIN_TEMPLATES], "real templates"
    for spec in specs:
        build_template(scratch / spec.template_name, entrust_body()[:4], matters_table=True)
    return [scratch], "fixture templates"


def run_ours(jobs, dirs, out: Path) -> tuple[float, list[Path]]:
    started = time.perf_counter()
    docx = render_forms(jobs, [out / f"{job.spec.id}.docx" for job in jobs], dirs)
    pdfs = convert_to_pdf(docx, out)
    merge_pdfs([PacketPart(job.spec.title, pdf) for job, pdf in zip(jobs, pdfs, strict=True)], out / "packet.pdf")
    return time.perf_counter() - started, docx


def run_bare(docx: list[Path], out: Path) -> float:
    profile = out / "profile"
    command = [find_soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless",
               "--convert-to", "pdf", "--outdir", str(out), *map(str, docx)]
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    elapsed = time.perf_counter() - started
    missing = [d.name for d in docx if not (out / f"{d.stem}.pdf").is_file()]
    if missing:
        raise SystemExit(f"baseline produced no PDF for {missing}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    specs = list(load_catalog().forms.values())[:PACKET_SIZE]
    ours_times, bare_times = [], []
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        dirs, kind = template_dirs(specs, scratch)
        jobs = [RenderJob(spec, realistic_context(spec)) for spec in specs]
        for round_no in range(args.rounds):
            ours_dir, bare_dir = scratch / f"ours{round_no}", scratch / f"bare{round_no}"
            elapsed, docx = run_ours(jobs, dirs, ours_dir)
            ours_times.append(elapsed)
            bare_dir.mkdir()
            copies = [Path(shutil.copy(d, bare_dir / d.name)) for d in docx]
            bare_times.append(run_bare(copies, bare_dir / "pdf"))
    ours_s, bare_s = statistics.median(ours_times), statistics.median(bare_times)
    print(f"packet of {len(jobs)} forms ({kind}), {args.rounds} rounds, median")
    print(f"docgen packet (render + 1 soffice call + merge)    : {ours_s:6.2f} s   rounds {fmt(ours_times)}")
    print(f"bare soffice --convert-to pdf on the same 10 .docx : {bare_s:6.2f} s   rounds {fmt(bare_times)}")
    print(f"ratio ours/bare: {ours_s / bare_s:.2f}x (goal <= 1.30)")


def fmt(times: list[float]) -> str:
    return " ".join(f"{t:.2f}" for t in times)


if __name__ == "__main__":
    main()
