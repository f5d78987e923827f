"""Render one form: find its template, check the context, fill it with docxtpl, write the .docx atomically."""

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from archive.base.atomicio import atomic_output
from archive.base.errors import NotFoundError, ValidationError
from docgen.catalog import FormSpec
from docgen.context import prepare_context
from docgen.errors import TemplateError
from docgen.formatting import FILTERS, unbroken
from docgen.identity import QR_WIDTH_MM, parse_identity, qr_png
from docgen.safety import find_unsafe
from docgen.source import TemplatePart, find_syntax_error, open_template, template_parts, template_usage


@dataclass(frozen=True)
class RenderJob:
    """One form to render with its context."""

    spec: FormSpec
    context: Mapping


def jinja_environment() -> jinja2.Environment:
    """The Jinja environment of every template: sandboxed, undefined names fail, values are XML-escaped."""
    env = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=True, finalize=unbroken)
    env.filters.update(FILTERS)
    return env


def find_template(spec: FormSpec, template_dirs: Sequence[Path]) -> Path:
    """The form's template from the first directory that has it (override directories first)."""
    for directory in template_dirs:
        candidate = Path(directory) / spec.template_name
        if candidate.is_file():
            return candidate
    searched = "、".join(str(d) for d in template_dirs) or "（无）"
    raise NotFoundError(f"找不到表单 {spec.title}（{spec.id}）的模板 {spec.template_name}；已查找：{searched}")


def render_form(spec: FormSpec, context: Mapping, out_path: Path, template_dirs: Sequence[Path]) -> Path:
    """Render the form to out_path (.docx); nothing is written when a field is missing or wrong."""
    prepared = _prepare(RenderJob(spec, context), template_dirs)
    return _write(prepared, Path(out_path))


def render_forms(jobs: Sequence[RenderJob], out_paths: Sequence[Path], template_dirs: Sequence[Path]) -> list[Path]:
    """Render several forms; every context is checked before the first file is written."""
    if len(jobs) != len(out_paths):
        raise ValueError("jobs and out_paths differ in length")
    prepared, problems = [], []
    for job in jobs:
        try:
            prepared.append(_prepare(job, template_dirs))
        except ValidationError as exc:
            problems.append(exc)
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise ValidationError("\n".join(p.message for p in problems))
    return [_write(item, Path(path)) for item, path in zip(prepared, out_paths, strict=True)]


@dataclass(frozen=True)
class _Prepared:
    spec: FormSpec
    template_path: Path
    template: DocxTemplate
    parts: list[TemplatePart]
    context: dict


def _prepare(job: RenderJob, template_dirs: Sequence[Path]) -> _Prepared:
    path = find_template(job.spec, template_dirs)
    template = open_template(path)
    parts = template_parts(template)
    env = jinja_environment()
    try:
        usage = template_usage(parts, env)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(_syntax_text(path, parts, env, exc), path) from exc
    unsafe = find_unsafe(parts, env)
    if unsafe:
        raise TemplateError(f"模板 {path} 不安全：" + "；".join(u.describe() for u in unsafe), path)
    # The identity feeds the QR code, so it is needed even when the template does not print it.
    context = prepare_context(job.spec, job.context, usage.paths | {"doc.identity"})
    _check_identity(job.spec, context)
    return _Prepared(job.spec, path, template, parts, context)


def _check_identity(spec: FormSpec, context: dict) -> None:
    identity = parse_identity(context["doc"]["identity"])
    if identity.form_id != spec.id:
        raise ValidationError(f"文档标识 {identity} 属于表单 {identity.form_id}，不是 {spec.id}")


def _write(prepared: _Prepared, out_path: Path) -> Path:
    template, path = prepared.template, prepared.template_path
    context = dict(prepared.context)
    identity = context["doc"]["identity"]
    qr = InlineImage(template, io.BytesIO(qr_png(parse_identity(identity))), width=Mm(QR_WIDTH_MM))
    context["doc"] = dict(context["doc"], qr=qr)
    env = jinja_environment()
    try:
        template.render(context, env)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(_syntax_text(path, prepared.parts, env, exc), path) from exc
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"模板 {path} 用到了上下文中没有的值：{exc.message}", path) from exc
    except SecurityError as exc:
        raise TemplateError(f"模板 {path} 不安全：沙箱拒绝了其中的表达式（{exc}）", path) from exc
    except (jinja2.TemplateError, TypeError, ValueError) as exc:
        raise TemplateError(f"模板 {path} 无法填写：{exc}", path) from exc
    properties = template.docx.core_properties
    properties.title = prepared.spec.title
    properties.subject = identity
    properties.identifier = identity
    return _save_atomically(template, out_path)


def _syntax_text(path: Path, parts: list[TemplatePart], env: jinja2.Environment, exc: Exception) -> str:
    problem = find_syntax_error(parts, env)
    return problem.describe(path) if problem else f"模板 {path} 有 Jinja 语法错误：{exc}"


def _save_atomically(template: DocxTemplate, out_path: Path) -> Path:
    with atomic_output(out_path) as handle:
        template.save(handle)
    return out_path
