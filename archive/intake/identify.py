"""Which form, case and version each page of a scan is, from the evidence on the page itself."""

from archive.base.errors import DaibanError
from archive.catalog.cases import get_case
from archive.catalog.session import Archive
from archive.intake.ocr import OcrResult
from archive.intake.outcomes import Target
from archive.intake.qrscan import find_identities
from archive.intake.stacksplit import PageEvidence, Segment, page_counter, split_stack
from docgen.identity import IDENTITY_RE, DocIdentity, parse_identity
from index.normalize import normalize_text

QR_DPI = 150


def identity_named(archive: Archive, text: str) -> DocIdentity | None:
    """The identity a text names, if it names a form of a case this archive has."""
    try:
        identity = parse_identity(text)
        archive.forms.require(identity.form_id)
        get_case(archive, identity.case_no)
    except DaibanError:
        return None
    return identity


def _page_evidence(archive: Archive, index: int, codes: tuple[str, ...], text: str) -> PageEvidence:
    # The QR code decides; the 文档标识 line printed in the footer speaks only when no code can be read.
    named = [t for t in codes if IDENTITY_RE.fullmatch(t)]
    printed = normalize_text(text)
    named = named or [m.group() for m in IDENTITY_RE.finditer(printed.replace(" ", ""))]
    known = next((str(i) for t in named if (i := identity_named(archive, t))), None)
    foreign = None if known else next(iter(named), None)
    return PageEvidence(index, known, foreign, page_counter(printed))


def evidence(archive: Archive, ocr: OcrResult) -> list[PageEvidence]:
    """What every page of the OCR'd scan says about itself."""
    codes = find_identities(ocr.output, QR_DPI)
    return [_page_evidence(archive, index, page.texts, ocr.texts[index]) for index, page in enumerate(codes)]


def segments(archive: Archive, ocr: OcrResult, target: Target) -> list[Segment]:
    """The scan cut into its forms, or taken whole as the form the user named."""
    if target.form_id:
        return [Segment(None, list(range(ocr.pages)))]
    return split_stack(evidence(archive, ocr))


def route(segment: Segment, target: Target) -> tuple[str | None, str | None, DocIdentity | None]:
    """Decide case and form of a segment: its code, completed or overridden by --case/--form."""
    identity = parse_identity(segment.identity) if segment.identity else None
    case_no = target.case_no or (identity.case_no if identity else None)
    form_id = target.form_id or (identity.form_id if identity else None)
    if identity and (identity.case_no, identity.form_id) != (case_no, form_id):
        identity = None
    return case_no, form_id, identity
