"""Generating a case's forms from its catalog data and filing them (生成表单、材料包).

The case, its people, matters and documents fill the render context; what
staff must still say comes from --data (TOML) and --set key=value.
"""

import re
import tempfile
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from archive.cases import Case, get_case
from archive.db import cases, documents
from archive.errors import UsageError
from archive.matters import DONE, STAGES, list_matters
from archive.session import Archive
from archive.store import (
    KIND_LABELS, FiledDocument, FilingRequest, case_documents, file_documents, next_form_version,
)
from docgen.catalog import BUILTIN_TEMPLATES, FormSpec
from docgen.context import assign
from docgen.contract import doc_namespace
from docgen.convert import convert_to_pdf
from docgen.identity import DocIdentity, doc_number
from docgen.packet import PacketPart, merge_pdfs
from docgen.render import RenderJob, render_forms


@dataclass(frozen=True)
class Generated:
    """One generated form: its identity and the filed .docx and PDF."""

    form_id: str
    identity: str
    doc_no: str
    docx: FiledDocument
    pdf: FiledDocument | None


@dataclass(frozen=True)
class Packet:
    """A stage packet: the generated forms and the merged PDF for printing."""

    stage: str
    forms: list[Generated]
    merged: Path


def parse_sets(pairs: list[str]) -> dict[str, str]:
    """Turn --set key=value pairs into a mapping, refusing malformed ones."""
    values = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--set 应为 字段=值 的形式：“{pair}”")
        values[key.strip()] = value
    return values


def read_data(path: Path | None) -> dict:
    """Read a --data TOML file: top-level keys for every form, [form-id] tables for one form."""
    if path is None:
        return {}
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"数据文件不存在：{path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"数据文件 {path} 格式错误：{exc}") from None


def _case_namespace(case: Case) -> dict:
    facts = case.facts
    return {
        "case_no": case.case_no, "project_name": facts.project_name, "unit": facts.unit,
        "credit_code": facts.credit_code, "project_code": facts.project_code,
        "project_type": facts.project_type, "location": facts.location, "scale": facts.scale,
        "investment": facts.investment, "funding": facts.funding, "land": facts.land,
        "contact": facts.contact, "phone": facts.phone, "manager": facts.manager,
        "manager_phone": facts.manager_phone, "agents": list(facts.agents), "status": case.status,
        "opened": date.fromisoformat(case.opened[:10]),
    }


def _matter_rows(archive: Archive, case_no: str) -> list[dict]:
    return [{"stage": m.stage, "name": m.name, "level": m.level, "dept": m.dept, "liaison": m.liaison,
             "time_limit": m.time_limit, "status": m.status, "parallel": m.parallel, "due": None}
            for m in list_matters(archive, case_no)]


def _derived(archive: Archive, case: Case, matter_rows: list[dict]) -> dict:
    """Values the catalog already knows for forms' own fields (staff may override them)."""
    stages = [s for s in STAGES if any(m["stage"] == s for m in matter_rows)]
    done = [s for s in stages if all(m["status"] == DONE for m in matter_rows if m["stage"] == s)]
    handed = [d for d in case_documents(archive, case.case_no, include_withdrawn=False)
              if d.category == "批复证照" or (d.form_id and archive.forms.get(d.form_id).handover
                                              and d.kind == "signed")]
    derived = {
        "entrust": {"entrust_stages": stages},
        "apply": {"apply_stages": stages} if stages else {},
        "complete": {"completed_stages": done, "handed_items": [d.title for d in handed]},
        "assess": {"filler": case.facts.manager},
        "notice": {"notice_items": [
            {"stage": m["stage"], "matter": m["name"], "conditions": "", "materials": "",
             "intermediary": "", "time_limit": f"{m['time_limit']}个工作日" if m["time_limit"] else ""}
            for m in matter_rows]},
        "handover": {"items": [
            {"name": d.title, "kind": KIND_LABELS[d.kind], "doc_no": d.doc_no, "form": "原件" if d.kind != "generated" else "打印件",
             "copies": "1", "pages": str(d.pages or ""), "note": ""} for d in handed]},
    }
    return {form: {k: v for k, v in values.items() if v} for form, values in derived.items()}


def _doc_no(archive: Archive, case_row_id: int, spec: FormSpec, year: int) -> str:
    """Keep a form's 文号 across its versions; a new form takes the next number of the year."""
    with archive.engine.connect() as conn:
        earlier = conn.execute(select(documents.c.doc_no).where(
            documents.c.case_id == case_row_id, documents.c.form_id == spec.id,
            documents.c.kind == "generated", documents.c.doc_no != "").limit(1)).scalar()
        if earlier:
            return earlier
        used = conn.execute(select(func.count(func.distinct(documents.c.case_id))).join(cases).where(
            documents.c.form_id == spec.id, documents.c.kind == "generated",
            cases.c.year == year)).scalar()
    return doc_number(spec.doc_no_pattern, agency_short=archive.settings.agency.short, year=year,
                      seq=used + 1, case_no="", form_id=spec.id)


def case_context(archive: Archive, case_no: str) -> tuple[int, dict, dict]:
    """What every form of a case shares (agency, case, matters, stages) and each form's derived values."""
    case = get_case(archive, case_no)
    agency = archive.settings.agency
    matter_rows = _matter_rows(archive, case_no)
    shared = {
        "agency": {"name": agency.name, "fonds": agency.fonds, "city": agency.city,
                   "phone": agency.phone, "address": agency.address},
        "case": _case_namespace(case), "matters": matter_rows, "stages": list(STAGES),
    }
    return case.id, shared, _derived(archive, case, matter_rows)


def build_context(archive: Archive, case_id: int, shared: dict, derived: dict, spec: FormSpec,
                  data: dict, sets: dict[str, str], when: date) -> tuple[dict, DocIdentity, str]:
    """Assemble one form's render context, identity and 文号 from the case's shared context."""
    case_no = shared["case"]["case_no"]
    identity = DocIdentity(case_no, spec.id, next_form_version(archive, case_no, spec.id))
    doc_no = _doc_no(archive, case_id, spec, when.year)
    context = {**shared, "doc": doc_namespace(identity, doc_no, when)}
    context.update(derived.get(spec.id, {}))
    context.update({k: v for k, v in data.items() if not isinstance(v, dict) or k in ("agency", "case")})
    context.update(data.get(spec.id, {}))
    for key, value in sets.items():
        assign(context, key, value)
    return context, identity, doc_no


def _template_dirs(archive: Archive) -> list[Path]:
    return [archive.root.templates_dir, BUILTIN_TEMPLATES]


def _safe(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|]', "_", text)


def _suspend_reason(spec: FormSpec, context: dict) -> int | None:
    """The 中止情形 number a generated 中止告知 proves: its first ticked condition."""
    if spec.id != "suspend":
        return None
    choices = next(f.choices for f in spec.fields if f.name == "reasons")
    ticked = context.get("reasons") or []
    ticked = [ticked] if isinstance(ticked, str) else ticked
    return choices.index(ticked[0]) + 1 if ticked and ticked[0] in choices else None


def generate(archive: Archive, case_no: str, form_ids: list[str], data: dict, sets: dict[str, str],
             pdf: bool = True, when: date | None = None) -> list[Generated]:
    """Render forms for a case (one LibreOffice call for all) and file each .docx and PDF."""
    when = when or date.today()
    specs = [_spec(archive, f) for f in form_ids]
    case_id, shared, derived = case_context(archive, case_no)
    jobs, identities, reason = [], [], None
    for spec in specs:
        context, identity, doc_no = build_context(archive, case_id, shared, derived, spec, data, sets, when)
        jobs.append(RenderJob(spec, context))
        identities.append((identity, doc_no))
        reason = reason or _suspend_reason(spec, context)
    with tempfile.TemporaryDirectory(prefix="daiban-render-", dir=archive.root.staging_dir) as tmp:
        work = Path(tmp)
        names = [work / f"{_safe(spec.title)}.docx" for spec in specs]
        docx_files = render_forms(jobs, names, _template_dirs(archive))
        pdf_files = convert_to_pdf(docx_files, work) if pdf else []
        generated = _file_generated(archive, case_no, specs, identities, docx_files, pdf_files, when,
                                    reason)
    return generated


def _file_generated(archive: Archive, case_no: str, specs: list[FormSpec], identities: list,
                    docx_files: list[Path], pdf_files: list[Path], when: date,
                    reason: int | None) -> list[Generated]:
    requests = []
    for index, (spec, (identity, doc_no)) in enumerate(zip(specs, identities)):
        # With a PDF beside it, the .docx is the editable source: its text would only
        # double every search hit, so the PDF alone carries the form's text.
        files = [(docx_files[index], "" if pdf_files else None)]
        files += [(pdf_files[index], None)] if pdf_files else []
        requests += [FilingRequest(f, form_id=spec.id, kind="generated", version=identity.version,
                                   doc_no=doc_no, author=archive.settings.agency.name, doc_date=when,
                                   text=text)
                     for f, text in files]
    filed = file_documents(archive, case_no, requests, reason_code=reason)
    per_form = 2 if pdf_files else 1
    return [Generated(spec.id, str(identity), doc_no, filed[i * per_form],
                      filed[i * per_form + 1] if pdf_files else None)
            for i, (spec, (identity, doc_no)) in enumerate(zip(specs, identities))]


def _spec(archive: Archive, form_id: str) -> FormSpec:
    spec = archive.forms.get(form_id)
    if spec is None:
        raise UsageError(f"未知的表单编号“{form_id}”（用 daiban forms list 查看）")
    return spec


def packet(archive: Archive, case_no: str, stage: str, data: dict, sets: dict[str, str],
           when: date | None = None) -> Packet:
    """Generate every form of a stage for the case and merge their PDFs into one print file."""
    specs = archive.forms.by_stage(stage)
    if not specs:
        stages = "、".join(dict.fromkeys(s.stage for s in archive.forms.forms.values()))
        raise UsageError(f"没有“{stage}”阶段的表单。可用阶段：{stages}")
    generated = generate(archive, case_no, [s.id for s in specs], data, sets, when=when)
    out = archive.root.exports_dir / "packets" / f"{case_no} {stage}材料包 {date.today():%Y%m%d}.pdf"
    out.parent.mkdir(parents=True, exist_ok=True)
    parts = [PacketPart(spec.title, archive.root.path / g.pdf.path) for spec, g in zip(specs, generated)]
    merge_pdfs(parts, out, title=f"{case_no} {stage}材料包")
    return Packet(stage, generated, out)
