"""Render throughput (forms/s, .docx only) over every form of the catalog, against bare docxtpl.

    .venv/bin/python bench/bench_render.py --rounds 5

Ours: docgen.render.render_form (template lookup, field check and coercion, template
analysis, QR code, atomic write). Baseline, same run: DocxTemplate(...).render(context) and
save, with the same Jinja environment and the context already prepared, no checks. Uses the
real templates when templates/ holds all of them, otherwise the fixture template for each form.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from docxtpl import DocxTemplate

from docgen.catalog import BUILTIN_TEMPLATES, load_catalog
from docgen.context import prepare_context
from docgen.render import find_template, jinja_environment, render_form

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from fixtures.docgen.builders import build_template, entrust_body, realistic_context  # noqa: E402


def template_dirs(catalog, scratch: Path) -> tuple[list[Path], str]:
    """The real templates if all exist, else one fixture template per form."""
    if all((BUILTIN_TEMPLATES / s.template_name).is_file() for s in catalog.forms.values()):
        return [BUILTIN_TEMPLATES], "real templates"
    for spec in catalog.forms.values():
        build_template(scratch / spec.template_name, entrust_body()[:4], matters_table=True)
    return [scratch], "fixture templates"


def ours(jobs, dirs, out: Path) -> float:
    started = time.perf_counter()
    for spec, context in jobs:
        render_form(spec, context, out / spec.template_name, dirs)
    return time.perf_counter() - started


def bare(jobs, dirs, out: Path) -> float:
    prepared = [(find_template(spec, dirs), prepare_context(spec, context)) for spec, context in jobs]
    env = jinja_environment()
    started = time.perf_counter()
    for path, context in prepared:
        context["doc"]["qr"] = ""
        template = DocxTemplate(path)
        template.render(context, env)
        template.save(out / f"bare-{path.name}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    catalog = load_catalog()
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        dirs, kind = template_dirs(catalog, scratch)
        jobs = [(spec, realistic_context(spec)) for spec in catalog.forms.values()]
        ours(jobs, dirs, scratch)
        ours_times, bare_times = [], []
        for _ in range(args.rounds):
            ours_times.append(ours(jobs, dirs, scratch))
            bare_times.append(bare(jobs, dirs, scratch))
    n = len(jobs)
    ours_s, bare_s = statistics.median(ours_times), statistics.median(bare_times)
    print(f"{n} forms ({kind}), {args.rounds} rounds, median per round")
    print(f"docgen render_form : {ours_s:6.3f} s  {n / ours_s:6.1f} forms/s  {1000 * ours_s / n:5.1f} ms/form")
    print(f"bare docxtpl       : {bare_s:6.3f} s  {n / bare_s:6.1f} forms/s  {1000 * bare_s / n:5.1f} ms/form")
    print(f"ratio ours/bare    : {ours_s / bare_s:.2f}x")


if __name__ == "__main__":
    main()
