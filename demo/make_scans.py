"""Print-and-scan stand-in for the demo: turn generated form PDFs into realistic signed scans."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.scans import make_scan, variant  # noqa: E402  (bench/ is a folder of scripts, not a package)


def main() -> None:
    """make_scans.py OUT_DIR VARIANT PDF...: one scan per PDF, named after it."""
    out_dir, name, *pdfs = sys.argv[1:]
    for index, pdf in enumerate(map(Path, pdfs)):
        scan = make_scan(pdf, variant(name), Path(out_dir) / ".work", seed=index + 1)
        target = Path(out_dir) / f"{pdf.stem} 签字扫描{scan.suffix}"
        scan.rename(target)
        print(target)
    (Path(out_dir) / ".work").rmdir()


if __name__ == "__main__":
    main()
