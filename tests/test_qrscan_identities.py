"""Identification: the form's QR code is decoded to its exact identity on every scan variant."""

import sys
from dataclasses import replace
from pathlib import Path

import img2pdf
import pytest
from PIL import Image

from archive.base.errors import InputFileError
from archive.intake.qrscan import PageCode, find_identities
from docgen.identity import DocIdentity, parse_identity

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # bench/ is a folder of scripts, not an installed package

from bench.scans import FormFields, make_form_pdf, make_scan, variant  # noqa: E402

# Real OCR or LibreOffice: left out of the quick run (pytest -m 'not slow').
pytestmark = pytest.mark.slow

FIELDS = FormFields(case_no="DB-2026-0107", form_id="complete", version=3)
VARIANTS = [
    variant("300dpi"),
    variant("150dpi"),
    variant("skew3-150dpi"),
    replace(variant("rot90-200dpi"), dpi=150),
    variant("rot180-150dpi"),
    replace(variant("rot180-150dpi"), name="rot270-150dpi", rotate=270),
    variant("jpeg60-150dpi"),
    replace(variant("jpg-file-200dpi"), dpi=150, jpeg_quality=60),
    replace(variant("png-file-150dpi"), keep_dpi=False),
    replace(variant("150dpi"), name="unstamped-clean", stamp=False, signature=False, noise=0),
]


@pytest.fixture(scope="module")
def form_pdf(tmp_path_factory) -> Path:
    return make_form_pdf(FIELDS, tmp_path_factory.mktemp("form"))


@pytest.mark.parametrize("scan_variant", VARIANTS, ids=lambda v: v.name)
def test_identity_is_decoded_from_every_variant(form_pdf, tmp_path, scan_variant):
    scan = make_scan(form_pdf, scan_variant, tmp_path, seed=VARIANTS.index(scan_variant))
    codes = find_identities(scan)
    assert codes == [PageCode(1, (FIELDS.identity,))]
    assert parse_identity(codes[0].texts[0]) == DocIdentity("DB-2026-0107", "complete", 3)


def test_multipage_tiff_every_page(form_pdf, tmp_path):
    scan = make_scan(form_pdf, replace(variant("tiff-file-200dpi"), dpi=150, rotate=90),
                     tmp_path, seed=9, copies=3)
    assert [c.texts for c in find_identities(scan)] == [(FIELDS.identity,)] * 3


def test_page_without_code_and_two_forms_in_one_stack(form_pdf, tmp_path):
    other = FormFields(case_no="DB-2026-0108", form_id="entrust", version=1)
    other_pdf = make_form_pdf(other, tmp_path / "other")
    jpeg = replace(variant("jpg-file-200dpi"), dpi=150)
    first = make_scan(form_pdf, jpeg, tmp_path / "a", seed=10)
    second = make_scan(other_pdf, jpeg, tmp_path / "b", seed=11)
    blank = tmp_path / "blank.png"
    Image.new("L", (1240, 1754), 255).save(blank, dpi=(150, 150))
    stack = tmp_path / "stack.pdf"
    stack.write_bytes(img2pdf.convert([str(first), str(blank), str(second)]))
    assert find_identities(stack) == [
        PageCode(1, (FIELDS.identity,)), PageCode(2, ()), PageCode(3, (other.identity,)),
    ]


def test_not_an_image_is_refused(tmp_path):
    path = tmp_path / "memo.pdf"
    path.write_text("备忘", encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        find_identities(path)
    assert "memo.pdf" in info.value.message
