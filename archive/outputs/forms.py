"""Generating a case's forms and filing them (生成表单), and stage packets with one print PDF (材料包)."""

from contextlib import ExitStack
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from archive.base.errors import DaibanError, UsageError
from archive.base.terms import DocKind
from archive.casework.filing import FilingRequest, file_documents
from archive.catalog.documents import FiledDocument
from archive.catalog.session import Archive
from archive.content.text import extract_text
from archive.dataroot.folders import NAME_BYTES, safe_name
from archive.outputs.context import FormContext, FormValues, case_context, form_context, forms_of_case
from docgen.catalog import BUILTIN_TEMPLATES, FormSpec
from docgen.convert import convert_to_pdf
from docgen.packet import PacketPart, merge_pdfs
from docgen.render import RenderJob, render_forms
from docgen.warmconvert import WarmConverter


@dataclass(frozen=True)
class Generated:
    """One generated form: its identity and the filed .docx and PDF."""

    form_id: str
    identity: str
    doc_no: str
    docx: FiledDocument
    pdf: FiledDocument | None


@dataclass(frozen=True)
class PacketOutcome:
    """One case of a batch of packets: its packet, or why it could not be made (the batch goes on)."""

    case_no: str
    packet: "Packet | None"
    error: str = ""
    exit_code: int = 0


@dataclass(frozen=True)
class Packet:
    """A stage packet: the generated forms and the merged PDF for printing."""

    stage: str
    forms: list[Generated]
    merged: Path


def template_dirs(archive: Archive) -> list[Path]:
    """Where a form's template is looked for: the agency's overrides, then the built-in ones."""
    return [archive.root.templates_dir, BUILTIN_TEMPLATES]


def _suspend_reason(spec: FormSpec, context: dict) -> int | None:
    """The 中止情形 number a generated 中止告知 proves: its first ticked condition."""
    if spec.id != "suspend":
        return None
    choices = next(f.choices for f in spec.fields if f.name == "reasons")
    ticked = context.get("reasons") or []
    ticked = [ticked] if isinstance(ticked, str) else ticked
    return choices.index(ticked[0]) + 1 if ticked and ticked[0] in choices else None


def _requests(archive: Archive, spec: FormSpec, form: FormContext, docx: Path, pdf: Path | None,
              when: date) -> list[FilingRequest]:
    # The form's text is read from the .docx, cell by cell, not from the PDF's text layer, which
    # interleaves the wrapped lines of neighbouring cells. With a PDF beside it, the .docx is the
    # editable source: its text would only double every search hit, so the PDF alone carries it.
    text = extract_text(docx, "docx")
    files = [(docx, "" if pdf else text)] + ([(pdf, text)] if pdf else [])
    # The .docx and its PDF are one 件, two renditions.
    return [FilingRequest(path, form_id=spec.id, kind=DocKind.GENERATED, version=form.identity.version,
                          doc_no=form.doc_no, author=archive.settings.agency.name, doc_date=when, text=text,
                          with_previous=n > 0)
            for n, (path, text) in enumerate(files)]


def generate_forms(archive: Archive, case_no: str, form_ids: list[str], values: FormValues | None = None,
                   pdf: bool = True, when: date | None = None) -> list[Generated]:
    """Render forms for a case (one LibreOffice call for all) and file each .docx and PDF."""
    when = when or date.today()
    values = values or FormValues()
    specs, base = forms_of_case(archive, case_no, form_ids)
    forms = [form_context(archive, base, spec, values, when) for spec in specs]
    reason = next((r for spec, f in zip(specs, forms, strict=True) if (r := _suspend_reason(spec, f.context))), None)
    with archive.root.scratch("render") as work:
        names = [work / f"{safe_name(spec.title, NAME_BYTES)}.docx" for spec in specs]
        jobs = [RenderJob(spec, f.context) for spec, f in zip(specs, forms, strict=True)]
        docx_files = render_forms(jobs, names, template_dirs(archive))
        pdf_files = convert_to_pdf(docx_files, work, converter=archive.converter) if pdf else [None] * len(specs)
        requests = [r for spec, f, d, p in zip(specs, forms, docx_files, pdf_files, strict=True)
                    for r in _requests(archive, spec, f, d, p, when)]
        filed = iter(file_documents(archive, case_no, requests, reason_code=reason).documents)
        return [Generated(spec.id, str(f.identity), f.doc_no, next(filed), next(filed) if pdf else None)
                for spec, f in zip(specs, forms, strict=True)]


def render_unfiled(archive: Archive, case_no: str, form_id: str, values: FormValues, out_dir: Path,
                   when: date | None = None) -> Path:
    """Render one form of a case to a PDF in out_dir without filing it (a list that goes with an export)."""
    spec = archive.forms.require(form_id)
    form = form_context(archive, case_context(archive, case_no, [form_id]), spec, values, when or date.today())
    (docx,) = render_forms([RenderJob(spec, form.context)], [out_dir / f"{form_id}.docx"], template_dirs(archive))
    (pdf,) = convert_to_pdf([docx], out_dir, converter=archive.converter)
    return pdf


def generate_packet(archive: Archive, case_no: str, stage: str, values: FormValues | None = None,
                    when: date | None = None) -> Packet:
    """Generate every form of a stage for the case and merge their PDFs into one print file."""
    specs = archive.forms.by_stage(stage)
    if not specs:
        stages = "、".join(dict.fromkeys(s.stage for s in archive.forms.forms.values()))
        raise UsageError(f"没有“{stage}”阶段的表单。可用阶段：{stages}")
    generated = generate_forms(archive, case_no, [s.id for s in specs], values, when=when)
    out = archive.root.exports_dir / "packets" / f"{case_no} {stage}材料包 {date.today():%Y%m%d}.pdf"
    out.parent.mkdir(parents=True, exist_ok=True)
    parts = [PacketPart(spec.title, archive.root.path / g.pdf.path) for spec, g in zip(specs, generated, strict=True)]
    merge_pdfs(parts, out, title=f"{case_no} {stage}材料包")
    return Packet(stage, generated, out)


def generate_packets(archive: Archive, case_nos: list[str], stage: str, values: FormValues | None = None,
                     when: date | None = None) -> list[PacketOutcome]:
    """The same stage's packet for each case, LibreOffice started once for the whole batch; a case that fails
    is reported and the others go on."""
    outcomes = []
    # One office for the batch, its profile in the batch's scratch folder (none in /tmp if daiban is killed);
    # an archive that already has one keeps it.
    with ExitStack() as stack:
        if archive.converter is None:
            work = stack.enter_context(archive.root.scratch("office"))
            archive = replace(archive, converter=stack.enter_context(WarmConverter(workdir=work)))
        for case_no in case_nos:
            try:
                outcomes.append(PacketOutcome(case_no, generate_packet(archive, case_no, stage, values, when)))
            except DaibanError as exc:
                outcomes.append(PacketOutcome(case_no, None, exc.message, int(exc.exit_code)))
    return outcomes
