"""What a case's forms are filled with: the agency, the case, its matters and documents, and staff's values.

The catalog fills most fields; what staff must still say comes from --data
(TOML: top-level keys for every form, [form-id] tables for one form) and
--set key=value.
"""

import tomllib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from archive.base.errors import UsageError, ValidationError
from archive.base.terms import STAGES, DocKind, MatterStatus, category
from archive.base.workdays import WorkCalendar
from archive.casework.deadlines import planned_date
from archive.casework.evaluations import evaluations
from archive.casework.ledger import ledger_lines
from archive.catalog.cases import Case, get_case
from archive.catalog.documents import (
    FiledDocument,
    case_documents,
    cases_with_form,
    form_doc_no,
    next_form_version,
)
from archive.catalog.lifecycle import misplaced_form
from archive.catalog.matters import Matter, list_matters
from archive.catalog.session import Archive
from archive.dataroot.calendar import load_calendar
from archive.dataroot.matterlibrary import LibraryMaterial, MatterLibrary, load_library
from docgen.catalog import FormSpec
from docgen.context import assign
from docgen.contract import doc_namespace
from docgen.formatting import cn_date
from docgen.identity import DocIdentity, doc_number

# What the catalog alone fills: a value from --set/--data there would print facts, a 文号 or a
# QR identity the catalog does not hold.
RESERVED = ("agency", "case", "doc", "matters", "stages")


@dataclass(frozen=True)
class FormValues:
    """What staff give beyond what the case knows: values for every form, per form, and single fields."""

    data: dict = field(default_factory=dict)
    sets: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CaseContext:
    """What every form of one case shares, and the values the catalog derives for particular forms."""

    case: Case
    shared: dict
    derived: dict[str, dict]
    # Forms the catalog cannot fill truthfully, with why: a form that promises completeness is refused
    # rather than sent out with empty columns.
    refused: dict[str, "Refusal"] = field(default_factory=dict)


@dataclass(frozen=True)
class Refusal:
    """Why the catalog cannot fill a form's field; staff giving the field themselves lifts it."""

    field: str
    message: str


@dataclass(frozen=True)
class FormContext:
    """One form's render context with its identity (QR code) and 文号."""

    context: dict
    identity: DocIdentity
    doc_no: str


def _parse_sets(pairs: list[str]) -> dict[str, str]:
    values = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--set 应为 字段=值 的形式：“{pair}”")
        values[key.strip()] = value
    return values


def _read_data(path: Path | None) -> dict:
    if path is None:
        return {}
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"数据文件不存在：{path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"数据文件 {path} 格式错误：{exc}") from None


def _refuse_reserved(values: FormValues) -> None:
    keys = [*values.sets, *values.data]
    keys += [f"[{form}] {key}" for form, table in values.data.items() if isinstance(table, dict) for key in table]
    reserved = [k for k in keys if k.rsplit(" ", 1)[-1].split(".")[0] in RESERVED]
    if reserved:
        raise UsageError(f"不能用 --set/--data 设置 {'、'.join(reserved)}：{'、'.join(RESERVED)} "
                         "由目录库和 daiban.toml 填写（案件信息、文号、二维码），请改用相应命令修改")


def read_form_values(data_file: Path | None, set_pairs: list[str]) -> FormValues:
    """Read --data (a TOML file) and --set key=value pairs, refusing malformed ones."""
    return FormValues(_read_data(data_file), _parse_sets(set_pairs))


def _case_namespace(case: Case) -> dict:
    facts = case.facts
    return {
        "case_no": case.case_no, "project_name": facts.project_name, "unit": facts.unit,
        "credit_code": facts.credit_code, "project_code": facts.project_code,
        "project_type": facts.project_type, "location": facts.location, "scale": facts.scale,
        "investment": facts.investment, "funding": facts.funding, "land": facts.land,
        "contact": facts.contact, "phone": facts.phone, "manager": facts.manager,
        "manager_phone": facts.manager_phone, "agents": list(facts.agents), "status": str(case.status),
        "opened": date.fromisoformat(case.opened[:10]),
    }


def _matter_row(matter: Matter, calendar: WorkCalendar) -> dict:
    planned = planned_date(calendar, matter)
    return {"stage": matter.stage, "name": matter.name, "level": matter.level, "dept": matter.dept,
            "liaison": matter.liaison, "time_limit": matter.time_limit, "status": str(matter.status),
            "parallel": matter.parallel, "due": planned.day if planned else None,
            "due_note": "估算" if planned and planned.estimated else ""}


def _matter_rows(archive: Archive, case_no: str) -> list[dict]:
    calendar = load_calendar(archive.root)
    return [_matter_row(m, calendar) for m in list_matters(archive, case_no)]


def _signed_on(documents: list[FiledDocument], form_id: str) -> date | None:
    """The date of the latest signed copy of a form: its own date, else the day it was filed."""
    signed = [d for d in documents if d.form_id == form_id and d.kind == DocKind.SIGNED]
    if not signed:
        return None
    latest = max(signed, key=lambda d: d.id)
    return date.fromisoformat((latest.doc_date or latest.filed)[:10])


def _material_text(material: LibraryMaterial) -> str:
    # The seed's own names often say 原件/复印件 already: "…承诺书（原件）".
    form = "" if material.name.endswith(f"（{material.form}）") else material.form
    said = "，".join(p for p in (form, f"{material.copies}份" if material.copies else "") if p)
    return f"{material.name}（{said}）" if said else material.name


def _notice_items(library: MatterLibrary, matter_rows: list[dict]) -> list[dict]:
    """One row per matter of the case, with what the library says of it (empty where it says nothing)."""
    rows = []
    for m in matter_rows:
        listed = library.matter(m["name"])
        limit = m["time_limit"] or (listed.time_limit if listed else None)
        rows.append({"stage": m["stage"], "matter": m["name"],
                     "conditions": listed.conditions if listed else "",
                     "materials": "；".join(_material_text(x) for x in library.materials_of(listed)) if listed else "",
                     "intermediary": listed.intermediary if listed else "",
                     "time_limit": f"{limit}个工作日" if limit else ""})
    return rows


# The 研判表's material groups (form fields s<stage>_<group>) by the library's material kinds.
ASSESS_GROUPS = {"各类申请": "apply", "项目批准文件": "approval", "土地手续": "land", "部门意见": "opinion",
                 "评估文本类": "report", "其他": "other"}
ASSESS_LEVELS = {"市级": "city", "县级": "county", "省级": "province"}


def _assess_ticks(spec: FormSpec, library: MatterLibrary, matter_rows: list[dict]) -> dict:
    """What the 研判表 ticks for a case: its matters by stage and level, and their materials by group
    (a group of printed options ticks only what it prints; the levels without options list every name)."""
    ticks: dict[str, list[str]] = {}
    for m in matter_rows:
        prefix = f"s{STAGES.index(m['stage']) + 1}"
        ticks.setdefault(f"{prefix}_{ASSESS_LEVELS[m['level']]}", []).append(m["name"])
        if listed := library.matter(m["name"]):
            for material in library.materials_of(listed):
                ticks.setdefault(f"{prefix}_{ASSESS_GROUPS[material.kind]}", []).append(material.name)
    fields = {f.name: f for f in spec.fields}
    return {key: [n for n in dict.fromkeys(names) if not fields[key].choices or n in fields[key].choices]
            for key, names in ticks.items() if key in fields}


def _plan_values(library: MatterLibrary, matter_rows: list[dict]) -> dict:
    """The 服务方案's per-stage 特殊环节 (intermediary services), fees and material lists from the library."""
    values = {}
    for n, stage in enumerate(STAGES, start=1):
        listed = [x for m in matter_rows if m["stage"] == stage and (x := library.matter(m["name"]))]
        said = {"special": [x.intermediary for x in listed], "fees": [x.fees for x in listed]}
        for key, texts in said.items():
            values[f"{key}_s{n}"] = "；".join(dict.fromkeys(t for t in texts if t and t != "无"))
        values[f"materials_s{n}"] = list(dict.fromkeys(_material_text(y) for x in listed
                                                       for y in library.materials_of(x)))
    return values


def _progress_values(case: Case, documents: list[FiledDocument], matter_rows: list[dict], today: date) -> dict:
    """The 进度汇总's period (since the last one, else since the case opened) and the matters past their
    planned date, as 受阻事项 for staff to add the measures to."""
    reports = [date.fromisoformat((d.doc_date or d.filed)[:10]) for d in documents if d.form_id == "progress"]
    start = max(reports) if reports else date.fromisoformat(case.opened[:10])
    late = [{"matter": m["name"], "measure": "",
             "problem": f"已超过计划办结时间（{cn_date(m['due'])}{'，估算' if m['due_note'] else ''}），尚未办结"}
            for m in matter_rows if m["due"] and m["due"] < today and m["status"] != MatterStatus.DONE]
    return {"period": f"{cn_date(start)}至{cn_date(today)}", "blocked": late}


def _evaluation_ticks(archive: Archive, case_no: str) -> dict:
    """The 评价意见单 as the enterprise filled it in, once its evaluation is recorded (the latest one)."""
    given = [e for e in evaluations(archive, case_no) if e.by_enterprise]
    if not given:
        return {}
    latest = given[-1]
    return {**{key: [value] for key, value in latest.ratings.items()}, "method": [latest.method],
            "comments": latest.comments}


def _refusals(library: MatterLibrary, matter_rows: list[dict]) -> dict[str, Refusal]:
    """The 告知清单 tells the enterprise it lists everything: refused while a matter has no materials."""
    if not matter_rows:
        return {"notice": Refusal("notice_items", "案件尚无审批事项，《申请材料一次性告知清单》无从填写："
                                                  "请先添加事项（daiban matter add）")}
    bare = [m["name"] for m in matter_rows if not (listed := library.matter(m["name"])) or not listed.materials]
    if bare:
        return {"notice": Refusal("notice_items", f"事项库中以下事项没有登记申请材料，《申请材料一次性告知清单》"
                                                  f"不能一次告知完整：{'、'.join(bare)}。"
                                                  f"请在事项库（{library.path}）中补全后再生成")}
    return {}


def _derived(archive: Archive, case: Case, matter_rows: list[dict], library: MatterLibrary,
             form_ids: list[str]) -> dict:
    """Values the catalog already knows for the fields of the forms asked for (staff may override them);
    each form's are worked out only when it is rendered (the 台账 reads the whole case log)."""
    stages = [s for s in STAGES if any(m["stage"] == s for m in matter_rows)]
    done = [s for s in stages if all(m["status"] == MatterStatus.DONE for m in matter_rows if m["stage"] == s)]
    approvals = category("approval").name
    documents = case_documents(archive, case.case_no, include_withdrawn=False)
    handed = [d for d in documents
              if d.category == approvals or (d.form_id and archive.forms.get(d.form_id).handover
                                             and d.kind == DocKind.SIGNED)]
    makers: dict[str, Callable[[], dict]] = {
        "entrust": lambda: {"entrust_stages": stages},
        "terminate": lambda: {"entrusted_on": _signed_on(documents, "entrust")},
        "apply": lambda: {"apply_stages": stages},
        "complete": lambda: {"completed_stages": done, "handed_items": [d.title for d in handed]},
        "assess": lambda: {"filler": case.facts.manager,
                           **_assess_ticks(archive.forms.get("assess"), library, matter_rows)},
        "plan": lambda: _plan_values(library, matter_rows),
        "progress": lambda: _progress_values(case, documents, matter_rows, date.today()),
        "ledger": lambda: {"entries": [{"date": line.day, "content": line.content, "result": line.result}
                                       for line in ledger_lines(archive, case.case_no)]},
        "notice": lambda: {"notice_items": _notice_items(library, matter_rows)},
        "evaluate": lambda: _evaluation_ticks(archive, case.case_no),
        "handover": lambda: {"items": [
            {"name": d.title, "kind": d.kind.label, "doc_no": d.doc_no,
             "form": "原件" if d.kind != DocKind.GENERATED else "打印件",
             "copies": "1", "pages": str(d.pages or ""), "note": ""} for d in handed]},
    }
    return {form: {k: v for k, v in makers[form]().items() if v} for form in form_ids if form in makers}


def case_context(archive: Archive, case_no: str, form_ids: list[str]) -> CaseContext:
    """What every form of a case shares (agency, case, matters, stages) and each form's derived values."""
    case = get_case(archive, case_no)
    matter_rows = _matter_rows(archive, case_no)
    shared = {
        # An unset value is left out, so a form that prints it is refused rather than printed blank.
        "agency": {name: value for name, value in asdict(archive.settings.agency).items() if value.strip()},
        "case": _case_namespace(case), "matters": matter_rows, "stages": list(STAGES),
    }
    library = load_library(archive.root)
    return CaseContext(case, shared, _derived(archive, case, matter_rows, library, form_ids),
                       _refusals(library, matter_rows))


def forms_of_case(archive: Archive, case_no: str, form_ids: list[str]) -> tuple[list[FormSpec], CaseContext]:
    """The forms to render for a case and what they share, refused before any work to a user who may not file
    in the case and for a form that belongs in another file (the 机构文件's forms, a case's)."""
    archive.require("document.filed", case_no)
    specs = [archive.forms.require(f) for f in form_ids]
    base = case_context(archive, case_no, form_ids)
    for spec in specs:
        if why := misplaced_form(base.case.status, spec.stage, spec.title):
            raise UsageError(f"{case_no}：{why}")
    return specs, base


def _doc_no(archive: Archive, case_no: str, spec: FormSpec, year: int) -> str:
    """Keep a form's 文号 across its versions; a new form takes the next number of the year."""
    earlier = form_doc_no(archive, case_no, spec.id)
    if earlier:
        return earlier
    used = cases_with_form(archive, spec.id, year)
    return doc_number(spec.doc_no_pattern, agency_short=archive.settings.agency.short, year=year,
                      seq=used + 1, case_no="", form_id=spec.id)


def form_context(archive: Archive, base: CaseContext, spec: FormSpec, values: FormValues,
                 when: date) -> FormContext:
    """Assemble one form's render context, identity and 文号; staff's values never reach reserved names."""
    _refuse_reserved(values)
    refusal = base.refused.get(spec.id)
    if refusal and not (values.data.get(spec.id, {}).get(refusal.field) or values.data.get(refusal.field)):
        raise ValidationError(refusal.message)
    case_no = base.case.case_no
    identity = DocIdentity(case_no, spec.id, next_form_version(archive, case_no, spec.id))
    doc_no = _doc_no(archive, case_no, spec, when.year)
    context = {**base.shared, "doc": doc_namespace(identity, doc_no, when)}
    context.update(base.derived.get(spec.id, {}))
    context.update({k: v for k, v in values.data.items() if not isinstance(v, dict)})
    context.update(values.data.get(spec.id, {}))
    for key, value in values.sets.items():
        assign(context, key, value)
    return FormContext(context, identity, doc_no)
