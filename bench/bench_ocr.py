"""OCR benchmark: ingest OCR against bare ocrmypdf, identification, key fields, error rates.

Run from the repository root:  .venv/bin/python bench/bench_ocr.py [--quick]

Every figure is measured in the same run as its baseline, alternating the two,
because the machine is shared and absolute times drift.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import pypdfium2
import zxingcpp
from docx import Document
from docx.oxml.ns import qn
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive.dataroot.settings import OcrSettings  # noqa: E402
from archive.intake.ocr import ocr_to_pdfa  # noqa: E402
from archive.intake.qrscan import decode_qr, find_identities  # noqa: E402
from bench.scans import VARIANTS, FormFields, make_form_pdf, make_scan, variant  # noqa: E402
from index.normalize import normalize_text  # noqa: E402

ENGINES = ("tesseract", "rapidocr")
CER_GOAL = 0.03
RECALL_GOAL = 0.99
RATIO_GOAL = 1.10
ENGINE_TIME_RULE = 1.5
# Both engines read the 〔〕 of a 文号 as [] or 【]: the recall a bracket-folding normaliser would give.
BRACKETS = str.maketrans("〔〕【】", "[][]")


def levenshtein(a: str, b: str) -> int:
    """Return the edit distance between a and b."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def squeeze(text: str) -> str:
    """Drop all whitespace: the error rate is whitespace-insensitive."""
    return "".join(text.split())


def cer(reference: str, text: str) -> float:
    """Return the character error rate of text against reference, whitespace ignored."""
    ref, hyp = squeeze(reference), squeeze(text)
    return levenshtein(ref, hyp) / max(1, len(ref))


def docx_text(docx: Path) -> str:
    """Return the generated form's text in document order (body paragraphs, table, footer)."""
    doc = Document(str(docx))
    parts = []
    for block in doc.element.body.iterchildren():
        if block.tag == qn("w:p"):
            parts.append("".join(t.text or "" for t in block.iter(qn("w:t"))))
        elif block.tag == qn("w:tbl"):
            for cell in block.iter(qn("w:tc")):
                parts.append("".join(t.text or "" for t in cell.iter(qn("w:t"))))
    parts.extend(p.text for p in doc.sections[0].footer.paragraphs)
    return normalize_text("\n".join(parts))


def cli_ocr(src: Path, out: Path, settings: OcrSettings) -> float:
    """Run bare ocrmypdf (CLI) with the options ingest uses; return seconds."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    plugin = ["--plugin", "archive.intake.rapidocr_plugin"] if settings.engine == "rapidocr" else []
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "ocrmypdf", "-q", *plugin, "-l", "+".join(settings.languages),
         "--rotate-pages", "--rotate-pages-threshold", str(settings.rotate_threshold),
         "--output-type", "pdfa", "--jobs", str(settings.jobs),
         "--sidecar", str(out.with_suffix(".txt")), str(src), str(out)],
        env=env, check=True,
    )
    return time.perf_counter() - started


def ingest_ocr(src: Path, out: Path, settings: OcrSettings) -> tuple[float, float]:
    """Run ingest's OCR and identification; return (OCR seconds, OCR + QR seconds)."""
    started = time.perf_counter()
    ocr_to_pdfa(src, out, settings)
    ocr_done = time.perf_counter()
    find_identities(src)
    return ocr_done - started, time.perf_counter() - started


def bench_speed(scan: Path, work: Path, runs: int) -> dict:
    """Alternate bare ocrmypdf and ingest OCR, each engine; return the median seconds."""
    times = {}
    for run in range(runs):
        for engine in ENGINES:
            settings = OcrSettings(engine=engine)
            times.setdefault(f"cli-{engine}", []).append(
                cli_ocr(scan, work / f"cli-{engine}-{run}.pdf", settings))
            ocr, ocr_qr = ingest_ocr(scan, work / f"ingest-{engine}-{run}.pdf", settings)
            times.setdefault(f"ocr-{engine}", []).append(ocr)
            times.setdefault(f"ocr_qr-{engine}", []).append(ocr_qr)
    return {name: statistics.median(values) for name, values in times.items()}


def print_speed(label: str, speed: dict) -> None:
    """Print one speed comparison with its ratios."""
    for engine in ENGINES:
        cli, ocr, ocr_qr = (speed[f"{k}-{engine}"] for k in ("cli", "ocr", "ocr_qr"))
        print(f"{label}, {engine}: bare ocrmypdf {cli:.1f} s, ingest OCR {ocr:.1f} s "
              f"({ocr / cli:.3f}×), with QR {ocr_qr:.1f} s ({ocr_qr / cli:.3f}×; "
              f"goal ≤ {RATIO_GOAL}×)", flush=True)
    print(f"{label}: RapidOCR / Tesseract, ingest {speed['ocr-rapidocr'] / speed['ocr-tesseract']:.2f}×, "
          f"bare CLI {speed['cli-rapidocr'] / speed['cli-tesseract']:.2f}×", flush=True)


@dataclass
class Quality:
    """One OCR run of one variant with one engine."""

    variant: str
    engine: str
    seconds: float
    identified: bool
    identified_after_ocr: bool
    fields_found: int
    fields_folded: int
    fields_total: int
    cer_layer: float
    cer: float
    missing: list[str]


def measure_quality(scan: Path, name: str, settings: OcrSettings, fields: FormFields,
                    reference: str, work: Path) -> Quality:
    """OCR one scan with one setting and score identification, key fields and error rate."""
    engine = settings.engine + ("+deskew" if settings.deskew else "")
    out = work / f"{name}-{engine}.pdf"
    result = ocr_to_pdfa(scan, out, settings)
    codes = find_identities(scan)
    codes_after = find_identities(out)
    text = result.text
    layer_text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(out), "-"],
                                 capture_output=True, check=True).stdout.decode()
    found = [label for label, value in fields.key_fields().items() if value in text]
    folded = [label for label, value in fields.key_fields().items()
              if value.translate(BRACKETS) in text.translate(BRACKETS)]
    missing = [label for label in fields.key_fields() if label not in found]
    return Quality(
        variant=name, engine=engine, seconds=result.seconds,
        identified=all(fields.identity in c.texts for c in codes),
        identified_after_ocr=all(fields.identity in c.texts for c in codes_after),
        fields_found=len(found), fields_folded=len(folded), fields_total=len(fields.key_fields()),
        cer_layer=cer(reference, layer_text), cer=cer(reference, text), missing=missing,
    )


def _render_pdfium(args: tuple[str, int, int]) -> tuple[str, ...]:
    path, index, dpi = args
    document = pypdfium2.PdfDocument(path)
    try:
        return decode_qr(document[index].render(scale=dpi / 72, grayscale=True).to_pil())
    finally:
        document.close()


def bench_qr(scan: Path, pages: int, dpi: int, work: Path) -> dict:
    """Time QR identification per page: pypdfium2, pdftoppm, 2 processes, all formats."""
    started = time.perf_counter()
    find_identities(scan, dpi)
    pdfium = (time.perf_counter() - started) / pages

    started = time.perf_counter()
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(scan), str(work / "qr")], check=True)
    found = [decode_qr(Image.open(p)) for p in sorted(work.glob("qr-*.pgm"))]
    pdftoppm = (time.perf_counter() - started) / pages
    assert len(found) == pages

    started = time.perf_counter()
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_render_pdfium, [(str(scan), i, dpi) for i in range(pages)]))
    parallel = (time.perf_counter() - started) / pages

    image = _first_page(scan, dpi)
    started = time.perf_counter()
    for _ in range(5):
        decode_qr(image)
    qr_only = (time.perf_counter() - started) / 5
    started = time.perf_counter()
    for _ in range(5):
        zxingcpp.read_barcodes(image)
    all_formats = (time.perf_counter() - started) / 5
    return {"pdfium": pdfium, "pdftoppm": pdftoppm, "pdfium_2proc": parallel,
            "decode_qr_only": qr_only, "decode_all_formats": all_formats}


def _first_page(scan: Path, dpi: int) -> Image.Image:
    document = pypdfium2.PdfDocument(str(scan))
    try:
        return document[0].render(scale=dpi / 72, grayscale=True).to_pil()
    finally:
        document.close()


def bench_text_layer(form_pdf: Path, reference: str) -> dict:
    """Error rate of pdftotext with and without -layout on a born-digital page."""
    result = {}
    for label, extra in (("pdftotext", []), ("pdftotext -layout", ["-layout"])):
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", *extra, str(form_pdf), "-"],
                             capture_output=True, check=True).stdout.decode()
        result[label] = cer(reference, normalize_text(out))
    return result


def print_quality_table(rows: list[Quality]) -> None:
    """Print the per-variant, per-engine table in Markdown."""
    print("| variant | engine | s | QR scan | QR PDF/A | key fields | folded | CER text layer | CER stored | missing |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for q in rows:
        print(f"| {q.variant} | {q.engine} | {q.seconds:.1f} | {'yes' if q.identified else 'NO'} "
              f"| {'yes' if q.identified_after_ocr else 'NO'} | {q.fields_found}/{q.fields_total} "
              f"| {q.fields_folded}/{q.fields_total} "
              f"| {q.cer_layer:.3f} | {q.cer:.3f} | {', '.join(q.missing)} |")


def summarise(rows: list[Quality]) -> dict:
    """Per engine: identification rate, key-field recall, mean CER, mean seconds."""
    summary = {}
    for engine in ENGINES:
        mine = [q for q in rows if q.engine == engine]
        if not mine:
            continue
        summary[engine] = {
            "identified": sum(q.identified and q.identified_after_ocr for q in mine) / len(mine),
            "recall": sum(q.fields_found for q in mine) / sum(q.fields_total for q in mine),
            "recall_folded": sum(q.fields_folded for q in mine) / sum(q.fields_total for q in mine),
            "cer": statistics.mean(q.cer for q in mine),
            "cer_max": max(q.cer for q in mine),
            "seconds": statistics.mean(q.seconds for q in mine),
        }
    return summary


def decide_engine(summary: dict) -> str:
    """Apply the rule: the default meets the CER goal at ≤ 1.5× the other engine's time."""
    meeting = [e for e in summary if summary[e]["cer"] <= CER_GOAL]
    fastest = min(summary, key=lambda e: summary[e]["seconds"])
    for engine in sorted(meeting, key=lambda e: summary[e]["seconds"]):
        others = [summary[o]["seconds"] for o in summary if o != engine]
        if all(summary[engine]["seconds"] <= ENGINE_TIME_RULE * t for t in others):
            return engine
    return fastest


def main() -> None:
    """Run the OCR benchmark and print every figure."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="3 variants, no 20-page run")
    parser.add_argument("--speed-only", action="store_true", help="skip the per-variant quality runs")
    parser.add_argument("--runs", type=int, default=3, help="alternating rounds (20 pages: one fewer)")
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-ocr-"))
    work.mkdir(parents=True, exist_ok=True)
    fields = FormFields()
    form = make_form_pdf(fields, work)
    reference = docx_text(form.with_suffix(".docx"))
    print(f"work dir {work}; reference text {len(squeeze(reference))} characters")
    print("text layer of the born-digital form:", {k: round(v, 4) for k, v in
                                                   bench_text_layer(form, reference).items()})

    one_page = make_scan(form, variant("200dpi"), work / "speed1", seed=11)
    twenty = make_scan(form, replace(variant("200dpi"), name="200dpi-x20"), work / "speed20",
                       seed=12, copies=20)
    print("QR identification per page, 20-page 200 dpi scan at 150 dpi:",
          {k: f"{v * 1000:.0f} ms" for k, v in bench_qr(twenty, 20, 150, work).items()})

    print_speed("1 page", bench_speed(one_page, work, runs=args.runs))
    if not args.quick:
        print_speed("20 pages", bench_speed(twenty, work, runs=max(1, args.runs - 1)))
    if args.speed_only:
        return

    chosen = VARIANTS[:3] if args.quick else VARIANTS
    rows = []
    for number, v in enumerate(chosen):
        scan = make_scan(form, v, work / "variants", seed=100 + number)
        deskew = [OcrSettings(deskew=True)] if v.skew_deg or v.name == "200dpi" else []
        for settings in [OcrSettings(engine=e) for e in ENGINES] + deskew:
            rows.append(measure_quality(scan, v.name, settings, fields, reference, work))
            q = rows[-1]
            print(f"  {v.name:18} {q.engine:16} {q.seconds:5.1f} s  cer {q.cer:.3f}  "
                  f"fields {q.fields_found}/{q.fields_total} {q.missing}", flush=True)
    print_quality_table(rows)
    summary = summarise([q for q in rows if q.engine in ENGINES])
    with_deskew = [q for q in rows if q.engine.endswith("+deskew")]
    for q in with_deskew:
        plain = next(r for r in rows if r.variant == q.variant and r.engine == "tesseract")
        print(f"deskew on {q.variant}: CER {plain.cer:.3f} → {q.cer:.3f}, "
              f"{plain.seconds:.1f} → {q.seconds:.1f} s")
    for engine, s in summary.items():
        print(f"{engine}: identification {s['identified']:.0%}, key-field recall "
              f"{s['recall']:.1%} ({s['recall_folded']:.1%} with 〔〕 folded), "
              f"mean CER {s['cer']:.3f} (max {s['cer_max']:.3f}), "
              f"{s['seconds']:.1f} s per 1-page scan")
    if len(summary) == len(ENGINES):
        ratio = summary["rapidocr"]["seconds"] / summary["tesseract"]["seconds"]
        print(f"rapidocr / tesseract time per 1-page scan: {ratio:.2f}×")
    print("default engine by the rule:", decide_engine(summary))


if __name__ == "__main__":
    main()
