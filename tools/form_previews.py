"""Regenerate the form previews under docs/forms/: every built-in form rendered for the sample case
of the tests (tests/fixtures/docgen/builders.py), converted by LibreOffice, each page as a small PNG.

Run from the repository root:  .venv/bin/python tools/form_previews.py [--dpi 60] [FORM_ID ...]
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fixtures.docgen.builders import realistic_context  # noqa: E402

from docgen.catalog import BUILTIN_TEMPLATES, load_catalog  # noqa: E402
from docgen.convert import convert_to_pdf  # noqa: E402
from docgen.render import RenderJob, render_forms  # noqa: E402

OUT = ROOT / "docs" / "forms"


def previews(form_ids: list[str], dpi: int, out: Path = OUT) -> list[Path]:
    """Render the forms and write one PNG per page, named <form>-<page>.png."""
    catalog = load_catalog()
    specs = [catalog.require(f) for f in form_ids] if form_ids else list(catalog.forms.values())
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        jobs = [RenderJob(spec, realistic_context(spec)) for spec in specs]
        docx = render_forms(jobs, [work / spec.template_name for spec in specs], [BUILTIN_TEMPLATES])
        for spec, pdf in zip(specs, convert_to_pdf(docx, work), strict=True):
            for old in out.glob(f"{spec.id}-*.png"):
                old.unlink()
            subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(out / spec.id)], check=True)
            written += sorted(out.glob(f"{spec.id}-*.png"))
    if shutil.which("pngquant"):
        subprocess.run(["pngquant", "--force", "--ext", ".png", "16", *map(str, written)], check=True)
    return written


def main() -> None:
    """Parse the arguments and write the previews."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dpi", type=int, default=60)
    parser.add_argument("form_ids", nargs="*")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    for path in previews(args.form_ids, args.dpi):
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
