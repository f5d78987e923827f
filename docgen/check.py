"""Check a .docx template against the catalog: Jinja syntax, unknown variables and filters, unused required fields."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from archive.base.errors import NotFoundError
from docgen import contract
from docgen.catalog import FieldSpec, FormCatalog, FormSpec
from docgen.render import find_template, jinja_environment
from docgen.safety import find_unsafe
from docgen.source import find_syntax_error, open_template, template_parts, template_usage

ITEM = "[]"


@dataclass(frozen=True)
class Problem:
    """One finding about a template; severity is "error" (breaks rendering) or "warning"."""

    kind: str
    message: str
    severity: str = "error"
    part: str = ""
    context: str = ""


def check_template(path: Path, spec: FormSpec | None, catalog: FormCatalog) -> list[Problem]:
    """Every problem of the template at path; spec None means the form named by the file (or any form)."""
    path = Path(path)
    problems: list[Problem] = []
    if spec is None:
        spec = catalog.get(path.stem)
        if spec is None:
            message = f"{path.name} 不是目录中任何表单的模板（文件名应为 表单编号.docx）"
            problems.append(Problem("unknown_form", message, "warning"))
    template = open_template(path)
    parts = template_parts(template)
    env = jinja_environment()
    syntax = find_syntax_error(parts, env)
    if syntax:
        return problems + [Problem("syntax", syntax.describe(path), part=syntax.part.name, context=syntax.context)]
    problems += [Problem("unsafe", u.describe(), part=u.part.name, context=u.context)
                 for u in find_unsafe(parts, env)]
    usage = template_usage(parts, env)
    fields = spec.fields if spec else _all_fields(catalog)
    problems += _unknown_paths(usage.paths, fields, spec)
    problems += _unknown_names("filter", usage.filters, env.filters)
    problems += _unknown_names("test", usage.tests, env.tests)
    if spec:
        problems += _unused_required(spec, usage.paths)
    problems += _missing_identity(usage.paths)
    return problems


@dataclass(frozen=True)
class TemplateReport:
    """What checking one template file found."""

    path: Path
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        """Tell whether the template can be used (warnings allowed)."""
        return not any(p.severity == "error" for p in self.problems)


def check_template_files(paths: Sequence[Path], catalog: FormCatalog) -> list[TemplateReport]:
    """Check template files, each against the form its name gives (`forms check`)."""
    return [TemplateReport(Path(path), check_template(Path(path), None, catalog)) for path in paths]


def check_templates(template_dirs: Sequence[Path], catalog: FormCatalog) -> dict[str, list[Problem]]:
    """Check the template each form would use (override directories first); forms without one are reported."""
    results = {}
    for spec in catalog.forms.values():
        try:
            path = find_template(spec, template_dirs)
        except NotFoundError as exc:
            results[spec.id] = [Problem("no_template", exc.message)]
            continue
        results[spec.id] = check_template(path, spec, catalog)
    return results


def _all_fields(catalog: FormCatalog) -> tuple[FieldSpec, ...]:
    return tuple(f for spec in catalog.forms.values() for f in spec.fields)


def _schema(fields: Iterable[FieldSpec]) -> dict:
    # A tree of known path tokens; None marks a leaf whose insides (date.year, text methods) are not checked.
    tree: dict = {}
    for field in (*contract.contract_fields(), *fields):
        node = tree
        *parents, leaf = _tokens(field.name)
        for token in parents:
            if not isinstance(node.get(token), dict):
                node[token] = {}
            node = node[token]
        if field.type == "table" and field.columns:
            node.setdefault(leaf, {})[ITEM] = dict.fromkeys(field.columns)
        elif field.type == "namespace":
            node.setdefault(leaf, {})
        elif not isinstance(node.get(leaf), dict):
            node[leaf] = None
    return tree


def _tokens(path: str) -> list[str]:
    tokens = []
    for piece in path.split("."):
        tokens.append(piece.partition(ITEM)[0])
        tokens += [ITEM] * (piece.count(ITEM))
    return [t for t in tokens if t]


def _unknown_paths(paths: set[str], fields: Iterable[FieldSpec], spec: FormSpec | None) -> list[Problem]:
    schema = _schema(fields)
    known = contract.labels() | {f.name: f.label for f in fields}
    unknown = sorted({bad for bad in (_first_unknown(schema, p) for p in paths) if bad})
    owner = f"表单 {spec.title}（{spec.id}） " if spec else "任何表单"
    return [Problem("unknown_variable", f"变量 {name} 不在上下文约定或{owner}的字段中"
                    + _suggestion(name, known)) for name in unknown]


def _first_unknown(schema: dict, path: str) -> str | None:
    node: dict | None = schema
    seen = []
    for token in _tokens(path):
        if node is None:
            return None
        seen.append(token)
        if token not in node:
            return ".".join(seen).replace(f".{ITEM}", ITEM)
        node = node[token]
    return None


def _suggestion(name: str, known: dict[str, str]) -> str:
    leaf = name.rsplit(".", 1)[-1]
    similar = sorted(k for k in known if k.rsplit(".", 1)[-1] == leaf and k != name)
    return f"（是否指 {'、'.join(similar)}？）" if similar else ""


def _unknown_names(kind: str, used: set[str], available: Iterable[str]) -> list[Problem]:
    word = "过滤器" if kind == "filter" else "测试"
    return [Problem(f"unknown_{kind}", f"未知的 Jinja {word}：{name}") for name in sorted(used - set(available))]


def _unused_required(spec: FormSpec, paths: set[str]) -> list[Problem]:
    def used(name: str) -> bool:
        return any(p == name or p.startswith((f"{name}.", f"{name}{ITEM}")) for p in paths)

    return [Problem("unused_field", f"必填字段 {f.label}（{f.name}）在模板中没有用到", "warning")
            for f in spec.fields if f.required and not used(f.name)]


def _missing_identity(paths: set[str]) -> list[Problem]:
    return [Problem("no_identity", f"模板没有用到{label}（{name}）：每份生成的表单都应印有文号和二维码", "warning")
            for name, label in (("doc.doc_no", "文号"), ("doc.qr", "二维码")) if name not in paths]
