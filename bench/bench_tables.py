"""OCR of table forms, straight and skewed: the stored text's character error rate against the printed text.

Run from the repository root:  .venv/bin/python bench/bench_tables.py [--engines rapidocr,tesseract]

The form is daiban's own 移交清单 with ten rows, rendered through a real data
root; the reference is its text in document order, cell by cell (what a person
reads), blanks for handwriting (____) left out. Each scan is made at 150 and
300 dpi, straight and skewed 2° and 4°, with the simulator's signature and
seal, and OCR'd with ingest's settings; the baseline in the same run is the
same OCR with the page straightening (OcrSettings.straighten) turned off.
"Table" is the error rate of the table alone (its header row to its last row),
"page" of everything printed, signature block and footer included.
"""

import argparse
import json
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from docx import Document  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402

from archive.dataroot.settings import OcrSettings  # noqa: E402
from archive.intake.ocr import ocr_to_pdfa  # noqa: E402
from bench.bench_ocr import cer, docx_text  # noqa: E402
from bench.scans import ScanVariant, make_scan  # noqa: E402
from index.normalize import normalize_text  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ITEMS = [
    ("企业投资项目备案证明", "晋泽审批备〔2026〕12号"), ("建设项目用地预审与选址意见书", "用字第140500202600031号"),
    ("建设用地规划许可证", "地字第140500202600017号"), ("建设工程规划许可证", "建字第140500202600044号"),
    ("施工图设计文件审查合格书", "晋审图〔2026〕208号"), ("建筑工程施工许可证", "140525202603120101"),
    ("环境影响报告表批复", "晋环审〔2026〕55号"), ("固定资产投资项目节能审查意见", "晋发改能审〔2026〕9号"),
    ("消防设计审查意见书", "晋建消审字〔2026〕第0117号"), ("人防工程设计审查批复", "晋人防审〔2026〕31号"),
]
VARIANTS = [ScanVariant(f"skew{skew:g}-{dpi}dpi", dpi=dpi, skew_deg=skew) for dpi in (150, 300) for skew in (0, 2, 4)]


def init_root(root: Path) -> None:
    """A data root for the sample agency, with the contact facts its forms print."""
    daiban(root, "init", "--agency", "晋城市政务服务中心项目代办服务中心", "--short", "晋代办", "--city", "晋城市",
           "--phone", "0356-2021888", "--address", "晋城市泽州路1188号政务服务中心三楼",
           "--report-email", "zwfw@jcs.example.gov.cn")


def daiban(root: Path, *args: str) -> str:
    """Run the daiban command on root and return its output."""
    done = subprocess.run([sys.executable, "-m", "cli", "--root", str(root), *args], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return done.stdout


def make_form(work: Path) -> tuple[Path, str]:
    """Render the 移交清单 of a sample case with ten rows; return its PDF and its text in reading order."""
    root = work / "root"
    init_root(root)
    case_no = json.loads(daiban(root, "case", "new", "--from", str(ROOT / "demo" / "case.toml"), "--json"))["case_no"]
    rows = "\n".join(f'[[handover.items]]\nname = "{name}"\nkind = "批复证照"\ndoc_no = "{number}"\n'
                     f'form = "原件"\ncopies = "1"\npages = "{n % 3 + 1}"\nnote = ""\n'
                     for n, (name, number) in enumerate(ITEMS))
    (work / "data.toml").write_text(rows, encoding="utf-8")
    form = json.loads(daiban(root, "render", case_no, "handover", "--data", str(work / "data.toml"), "--json"))[0]
    return root / form["pdf"]["path"], reference_text(root / form["docx"]["path"])


def reference_text(docx: Path) -> str:
    """The form's printed text in reading order: body (tables cell by cell), then the footer's cells."""
    footer = Document(str(docx)).sections[0].footer._element
    cells = ["".join(t.text or "" for t in cell.iter(qn("w:t"))) for cell in footer.iter(qn("w:tc"))]
    return docx_text(docx) + "\n" + normalize_text("\n".join(cells))


def table_part(text: str) -> str:
    """The table of the text: from its header row to the line after it."""
    start, end = text.find("序号"), text.find("以上材料")
    return text[start:end] if start >= 0 and end > start else text


def rates(reference: str, text: str) -> tuple[float, float]:
    """(page, table) character error rates, blanks for handwriting left out."""
    reference, text = reference.replace("_", ""), text.replace("_", "")
    return cer(reference, text), cer(table_part(reference), table_part(text))


def main() -> None:
    """Print the error rate of every variant with and without straightening, per engine."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="rapidocr,tesseract")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pdf, reference = make_form(work)
        print(f"移交清单, {len(reference)} characters of reference text")
        print("| variant | engine | table CER | page CER | table CER, not straightened | page CER, not straightened |"
              " seconds |")
        print("|---|---|---|---|---|---|---|")
        for scan_variant in VARIANTS:
            scan = make_scan(pdf, scan_variant, work / "scans", seed=7)
            for engine in args.engines.split(","):
                settings = OcrSettings(engine=engine)
                on = ocr_to_pdfa(scan, work / f"{scan_variant.name}-{engine}.pdf", settings)
                off = ocr_to_pdfa(scan, work / f"{scan_variant.name}-{engine}-off.pdf",
                                  replace(settings, straighten=False))
                (page_on, table_on), (page_off, table_off) = rates(reference, on.text), rates(reference, off.text)
                print(f"| {scan_variant.name} | {engine} | {table_on:.3f} | {page_on:.3f} | {table_off:.3f} | "
                      f"{page_off:.3f} | {on.seconds:.1f} |", flush=True)


if __name__ == "__main__":
    main()
