"""The catalog of forms (表单目录): templates/forms.toml as typed data."""

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from archive.base.errors import NotFoundError, UsageError
from archive.base.terms import STAGES, SUSPEND_REASONS

BUILTIN_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
CATALOG_FILE = BUILTIN_TEMPLATES / "forms.toml"
FIELD_TYPES = ("text", "date", "deadline", "money", "int", "list", "table", "checkbox")
# Choice lists defined once in the archive's vocabulary; forms.toml names them with choices_from.
VOCABULARIES = {"stages": STAGES, "suspend_reasons": tuple(SUSPEND_REASONS.values())}


@dataclass(frozen=True)
class FieldSpec:
    """One field a form needs beyond the case facts."""

    name: str
    label: str
    type: str = "text"
    required: bool = True
    columns: tuple[str, ...] = ()
    # The heading each column has on the printed form, in the order of columns.
    column_labels: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    default: object = None
    # Words the template prints around the value ("关于…的函"): typed at either end, they are dropped.
    trim: tuple[str, ...] = ()
    # A text answered in sentences (a text area on a web form) rather than a name or a number.
    multiline: bool = False


@dataclass(frozen=True)
class FormSpec:
    """One official form: identity, place in the lifecycle and its fields."""

    id: str
    title: str
    stage: str
    category: str
    signers: tuple[str, ...]
    handover: bool
    fields: tuple[FieldSpec, ...] = ()
    doc_no_pattern: str = "{agency_short}代〔{year}〕{seq}号"
    # Where the wording comes from (a seed and its part), and what no seed gives and was designed.
    source: str = ""
    designed: str = ""

    @property
    def template_name(self) -> str:
        """File name of the form's .docx template."""
        return f"{self.id}.docx"


@dataclass(frozen=True)
class FormCatalog:
    """All forms by id, in catalog order."""

    forms: dict[str, FormSpec] = field(default_factory=dict)

    def get(self, form_id: str) -> FormSpec | None:
        """Return the form with this id, or None."""
        return self.forms.get(form_id)

    def require(self, form_id: str) -> FormSpec:
        """Return the form with this id, or raise NotFoundError naming it."""
        spec = self.forms.get(form_id)
        if spec is None:
            raise NotFoundError(f"未知的表单编号“{form_id}”（用 daiban forms list 查看）")
        return spec

    def ids(self) -> list[str]:
        """Return every form id in catalog order."""
        return list(self.forms)

    def by_stage(self, stage: str) -> list[FormSpec]:
        """Return the forms of one packet stage, in catalog order."""
        return [f for f in self.forms.values() if f.stage == stage]


def _choices(raw: dict) -> tuple[str, ...]:
    if "choices_from" not in raw:
        return tuple(raw.get("choices", ()))
    try:
        return VOCABULARIES[raw["choices_from"]]
    except KeyError:
        known = "、".join(VOCABULARIES)
        raise UsageError(f"表单字段 {raw['name']} 的 choices_from “{raw['choices_from']}” 未定义"
                         f"（可用：{known}）") from None


def _column_labels(raw: dict) -> tuple[str, ...]:
    labels = tuple(raw.get("column_labels", ()))
    if labels and len(labels) != len(raw.get("columns", ())):
        raise UsageError(f"表单字段 {raw['name']} 的 column_labels 与 columns 数目不同")
    return labels


def _field(raw: dict) -> FieldSpec:
    return FieldSpec(
        name=raw["name"],
        label=raw["label"],
        type=raw.get("type", "text"),
        required=raw.get("required", True),
        columns=tuple(raw.get("columns", ())),
        column_labels=_column_labels(raw),
        choices=_choices(raw),
        default=raw.get("default"),
        trim=tuple(sorted(raw.get("trim", ()), key=len, reverse=True)),
        multiline=raw.get("multiline", False),
    )


def _form(form_id: str, raw: dict) -> FormSpec:
    extra = {"doc_no_pattern": raw["doc_no"]} if "doc_no" in raw else {}
    return FormSpec(
        id=form_id,
        title=raw["title"],
        stage=raw["stage"],
        category=raw["category"],
        signers=tuple(raw.get("signers", ())),
        handover=bool(raw.get("handover", False)),
        fields=tuple(_field(f) for f in raw.get("fields", ())),
        source=raw.get("source", ""),
        designed=raw.get("designed", ""),
        **extra,
    )


@cache
def load_catalog(path: Path = CATALOG_FILE) -> FormCatalog:
    """Read the catalog of forms from its TOML file (once: it ships with daiban and does not change while it runs)."""
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    return FormCatalog({fid: _form(fid, spec) for fid, spec in raw["forms"].items()})
