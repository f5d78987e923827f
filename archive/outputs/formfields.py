"""What staff must still give for a case's forms (the catalog fills the rest), and their answers as FormValues.

The web interface builds its forms from this: the catalog's field definitions (labels, types, required,
choices, defaults, table columns) minus the values the case already supplies — its facts, its matters, the
agency's settings and what the catalog derives for particular forms — which it shows as 由系统填写.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from archive.base.errors import NotFoundError
from archive.base.terms import DocKind
from archive.catalog.cases import get_case
from archive.catalog.documents import FiledDocument, case_documents
from archive.catalog.events import record
from archive.catalog.lifecycle import misplaced_form
from archive.catalog.session import Archive
from archive.outputs.context import CaseContext, FormValues, forms_of_case
from archive.outputs.forms import template_dirs
from docgen.catalog import FieldSpec, FormSpec
from docgen.context import MISSING, lookup
from docgen.contract import labels
from docgen.render import find_template, jinja_environment
from docgen.source import open_template, template_parts, template_usage

# The parts of the standard context a template prints that come from the case and the agency.
SUPPLIED = ("agency.", "case.")


@dataclass(frozen=True)
class Column:
    """One column of a table field: its key and the heading the form prints."""

    name: str
    label: str


@dataclass(frozen=True)
class AskedField:
    """One field staff must give for a form, as the catalog defines it (default: what to start from)."""

    form_id: str
    name: str
    label: str
    type: str
    required: bool
    choices: tuple[str, ...] = ()
    default: object = None
    columns: tuple[Column, ...] = ()
    # A text answered in sentences: a textarea rather than one line.
    multiline: bool = False

    @property
    def key(self) -> str:
        """The name the field is posted under: the form's id and the field's, so a packet's forms stay apart."""
        return f"{self.form_id}.{self.name}"


@dataclass(frozen=True)
class FilledValue:
    """A value the case supplies to a form (由系统填写), as text to show."""

    label: str
    text: str


@dataclass(frozen=True)
class FormFields:
    """One form of a case: what it is, what staff must give, what the system fills and what stops it."""

    form_id: str
    title: str
    stage: str
    signers: tuple[str, ...]
    handover: bool
    asked: tuple[AskedField, ...]
    filled: tuple[FilledValue, ...]
    # Agency settings the form prints that daiban.toml lacks: the form is refused until they are set.
    unset: tuple[str, ...] = ()
    # Why the catalog cannot fill one of its fields itself (refused_field); staff giving that field lifts it.
    refusal: str = ""
    refused_field: str = ""


@dataclass(frozen=True)
class FormEntry:
    """A form as a case's list of forms shows it: the catalog's facts and its latest version in the case."""

    form_id: str
    title: str
    stage: str
    signers: tuple[str, ...]
    handover: bool
    version: int = 0
    doc_no: str = ""
    signed: bool = False


@dataclass(frozen=True)
class StageForms:
    """The forms of one packet stage."""

    stage: str
    forms: tuple[FormEntry, ...]


def _entry(spec: FormSpec, documents: list[FiledDocument]) -> FormEntry:
    own = [d for d in documents if d.form_id == spec.id]
    generated = [d for d in own if d.kind == DocKind.GENERATED]
    latest = max(generated, key=lambda d: d.version, default=None)
    return FormEntry(spec.id, spec.title, spec.stage, spec.signers, spec.handover,
                     latest.version if latest else 0, latest.doc_no if latest else "",
                     any(d.kind == DocKind.SIGNED for d in own))


def case_forms(archive: Archive, case_no: str) -> list[StageForms]:
    """The forms a case may be given, by packet stage, each with its latest version in the case file."""
    archive.require("document.filed", case_no)
    status = get_case(archive, case_no).status
    documents = case_documents(archive, case_no, include_withdrawn=False)
    fitting = [s for s in archive.forms.forms.values() if not misplaced_form(status, s.stage, s.title)]
    stages = dict.fromkeys(s.stage for s in fitting)
    found = [StageForms(stage, tuple(_entry(s, documents) for s in fitting if s.stage == stage)) for stage in stages]
    record(archive, "case.viewed", case_no=case_no, page="forms")
    return found


def packet_form_ids(archive: Archive, stage: str) -> list[str]:
    """The forms of a stage packet, in catalog order; an unknown stage is named."""
    ids = [s.id for s in archive.forms.by_stage(stage)]
    if not ids:
        raise NotFoundError(f"没有“{stage}”阶段的表单")
    return ids


def _asked(spec: FormSpec, field: FieldSpec, default: object) -> AskedField:
    labels = field.column_labels or field.columns
    return AskedField(spec.id, field.name, field.label, field.type, field.required, field.choices, default,
                      tuple(Column(c, label) for c, label in zip(field.columns, labels, strict=True)),
                      field.multiline)


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(v, Mapping) for v in value):
            return f"共 {len(value)} 行"
        return "、".join(_shown(v) for v in value)
    return "" if value is None else str(value)


def _used_paths(archive: Archive, spec: FormSpec) -> set[str]:
    """The context paths the form's template reads (the agency's own override first)."""
    path = find_template(spec, template_dirs(archive))
    return template_usage(template_parts(open_template(path)), jinja_environment()).paths


def _supplied(archive: Archive, spec: FormSpec, base: CaseContext) -> tuple[list[FilledValue], list[str]]:
    """The case facts and agency settings the template prints, and the settings it prints that are unset."""
    names, filled, unset = labels(), [], []
    used = _used_paths(archive, spec)
    for path in (p for p in names if p in used and p.startswith(SUPPLIED)):
        value = lookup(base.shared, path)
        if value is MISSING and path.startswith("agency."):
            unset.append(f"{names[path]}（{path}）")
        elif value is not MISSING:
            filled.append(FilledValue(names[path], _shown(value)))
    if any(p.startswith("matters") for p in used):
        matters = base.shared["matters"]
        filled.append(FilledValue("审批事项", f"{len(matters)} 项" + (
            "：" + "、".join(m["name"] for m in matters) if matters else "")))
    return filled, unset


def _form_fields(archive: Archive, spec: FormSpec, base: CaseContext) -> FormFields:
    derived = base.derived.get(spec.id, {})
    refusal = base.refused.get(spec.id)
    refused_field = refusal.field if refusal else None
    asked = tuple(_asked(spec, f, derived.get(f.name, f.default)) for f in spec.fields
                  if f.name not in derived or f.name == refused_field)
    filled, unset = _supplied(archive, spec, base)
    own = [FilledValue(f.label, _shown(derived[f.name])) for f in spec.fields
           if f.name in derived and f.name != refused_field]
    return FormFields(spec.id, spec.title, spec.stage, spec.signers, spec.handover, asked, tuple(own + filled),
                      tuple(unset), refusal.message if refusal else "", refused_field or "")


def form_fields(archive: Archive, case_no: str, form_ids: list[str], viewed: bool = True) -> list[FormFields]:
    """For each form, the fields staff must still give for this case and the values the case supplies (the
    viewing recorded, unless it is the page shown again with a refusal of what was posted)."""
    specs, base = forms_of_case(archive, case_no, form_ids)
    found = [_form_fields(archive, spec, base) for spec in specs]
    if viewed:
        record(archive, "case.viewed", case_no=case_no, page="forms", forms=form_ids)
    return found


def _cells(field: FieldSpec, key: str, posted: Mapping[str, list[str]]) -> list[dict]:
    columns = {c: posted.get(f"{key}.{c}", []) for c in field.columns}
    count = max((len(cells) for cells in columns.values()), default=0)
    rows = [{c: (cells[n] if n < len(cells) else "").strip() for c, cells in columns.items()} for n in range(count)]
    return [row for row in rows if any(row.values())]


def _posted(field: FieldSpec, key: str, posted: Mapping[str, list[str]]) -> object:
    """One field's posted answer in the shape the catalog's type takes; None when left empty."""
    if field.type == "table":
        return _cells(field, key, posted) or None
    given = posted.get(key, [])
    if field.type == "checkbox":
        return [v for v in given if v.strip()] or None
    if field.type == "list":
        return [line.strip() for v in given for line in v.splitlines() if line.strip()] or None
    text = given[0].strip() if given else ""
    return text or None


def posted_values(archive: Archive, form_ids: list[str], posted: Mapping[str, list[str]]) -> FormValues:
    """The values a web form posted for these forms, per form; only the catalog's own fields are read,
    under their form's name, so nothing typed reaches the catalog's reserved names."""
    data = {}
    for spec in (archive.forms.require(f) for f in form_ids):
        given = {f.name: value for f in spec.fields
                 if (value := _posted(f, f"{spec.id}.{f.name}", posted)) is not None}
        if given:
            data[spec.id] = given
    return FormValues(data=data)


def packet_print_file(archive: Archive, case_no: str, name: str) -> Path:
    """The merged print PDF of a packet generated for the case, for someone who may generate its forms."""
    archive.require("document.filed", case_no)
    folder = archive.root.exports_dir / "packets"
    path = folder / name
    if Path(name).name != name or not name.startswith(f"{case_no} ") or path.suffix != ".pdf" or not path.is_file():
        raise NotFoundError(f"案件 {case_no} 没有打印文件“{name}”")
    record(archive, "document.opened", case_no=case_no, path=f"exports/packets/{name}")
    return path
