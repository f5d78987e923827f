"""Check and complete a render context before anything is written: required fields, types, defaults."""

import copy
from collections.abc import Iterable, Mapping

from archive.base.errors import ValidationError
from docgen import contract
from docgen.catalog import FieldSpec, FormSpec
from docgen.errors import MissingFieldsError
from docgen.fields import coerce, empty_value, is_blank

MISSING = object()
NAMESPACES = frozenset({"agency", "case", "doc"})


def prepare_context(spec: FormSpec, context: Mapping, used_paths: Iterable[str] = ()) -> dict:
    """Return a copy of context with the form's fields coerced and defaulted.

    Raises MissingFieldsError listing every required field of the catalog, and every path
    the template reads, that the context lacks; ValidationError listing every value of the
    wrong type.
    """
    result = copy.deepcopy(dict(context))
    missing = _missing_required(spec, result) + _missing_used(spec, result, used_paths)
    if missing:
        raise MissingFieldsError(_missing_message(spec, missing), missing)
    errors = _coerce_all(_typed_fields(spec), result)
    if errors:
        raise ValidationError(f"表单 {spec.title}（{spec.id}）的字段值有误：" + "；".join(errors))
    return result


def field_labels(spec: FormSpec) -> dict[str, str]:
    """Chinese label of every path the form may use: contract paths, then the form's own fields."""
    return contract.labels() | {f.name: f.label for f in spec.fields}


def _typed_fields(spec: FormSpec) -> list[FieldSpec]:
    own = {f.name for f in spec.fields}
    standard = [f for f in contract.AGENCY + contract.CASE + contract.DOC if f.name not in own]
    return standard + list(spec.fields)


def _missing_required(spec: FormSpec, context: dict) -> list[tuple[str, str]]:
    missing = []
    for field in spec.fields:
        value = lookup(context, field.name)
        if value is not MISSING and not is_blank(value):
            continue
        if field.default is not None:
            assign(context, field.name, field.default)
        elif field.required:
            missing.append((field.name, field.label))
        else:
            assign(context, field.name, empty_value(field))
    return missing


def _missing_used(spec: FormSpec, context: dict, used_paths: Iterable[str]) -> list[tuple[str, str]]:
    labels = field_labels(spec)
    declared = {f.name for f in spec.fields}
    keys = {_checkable_prefix(path) for path in used_paths} - declared - contract.GENERATED
    return [(key, labels.get(key, key)) for key in sorted(keys) if lookup(context, key) is MISSING]


def _checkable_prefix(path: str) -> str:
    # Only top-level names and namespace keys are checked here; loop items are left to StrictUndefined.
    parts = path.split("[]", 1)[0].split(".")
    return ".".join(parts[:2]) if parts[0] in NAMESPACES else parts[0]


def _missing_message(spec: FormSpec, missing: list[tuple[str, str]]) -> str:
    # The agency's facts come from daiban.toml only: say which setting to make, never print a stand-in.
    agency = [(name, label) for name, label in missing if name.startswith("agency.")]
    fields = [(name, label) for name, label in missing if not name.startswith("agency.")]
    parts = []
    if fields:
        parts.append("缺少必填字段：" + "、".join(f"{label}（{name}）" for name, label in fields))
    if agency:
        parts.append("机构信息未设置：" + "、".join(f"{label}（{name}）" for name, label in agency)
                     + f"，请先设置，如 daiban config set {agency[0][0]} 值")
    return "；".join(parts) + f"——表单 {spec.title}（{spec.id}），未生成任何文件"


def _coerce_all(fields: list[FieldSpec], context: dict) -> list[str]:
    errors = []
    for field in fields:
        value = lookup(context, field.name)
        if value is MISSING:
            continue
        try:
            assign(context, field.name, coerce(field, value))
        except ValueError as exc:
            errors.append(f"{field.label}（{field.name}）：{exc}")
    return errors


def lookup(context: Mapping, path: str) -> object:
    """The value at a dotted path (case.project_name), or MISSING."""
    value: object = context
    for key in path.split("."):
        if not isinstance(value, Mapping) or key not in value:
            return MISSING
        value = value[key]
    return value


def assign(context: dict, path: str, value: object) -> None:
    """Set the value at a dotted path, creating namespaces on the way."""
    *parents, last = path.split(".")
    target = context
    for key in parents:
        if not isinstance(target.get(key), dict):
            target[key] = dict(target.get(key) or {})
        target = target[key]
    target[last] = value
