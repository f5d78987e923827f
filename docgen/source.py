"""The Jinja source of a .docx template: its parts, where a syntax error lies, the context paths it reads."""

import itertools
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from docx.opc.exceptions import PackageNotFoundError
from docxtpl import DocxTemplate
from jinja2 import Environment, TemplateSyntaxError, nodes
from lxml.etree import XMLSyntaxError

from archive.base.errors import InputFileError

FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
PARAGRAPH_START = re.compile(r"<w:p([ >])")
XML_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class TemplatePart:
    """The Jinja source of one part of a template (正文, 页眉, 页脚, 脚注), one paragraph per line."""

    name: str
    source: str

    def text_lines(self, first: int, last: int) -> list[str]:
        """Visible text of source lines first..last (1-based, inclusive), empty lines dropped."""
        lines = self.source.splitlines()[max(first - 1, 0):last]
        texts = (XML_TAG.sub("", line).strip() for line in lines)
        return [text for text in texts if text]


@dataclass
class Usage:
    """Context paths (case.project_name, matters[].name, …), filters and tests a template uses.

    printed holds the paths whose value is output unconditionally (not inside if or a filtered loop).
    """

    paths: set[str] = field(default_factory=set)
    printed: set[str] = field(default_factory=set)
    filters: set[str] = field(default_factory=set)
    tests: set[str] = field(default_factory=set)


def open_template(path: Path) -> DocxTemplate:
    """Load a .docx template; an unreadable file is an InputFileError naming it."""
    if not path.is_file():
        raise InputFileError(f"模板文件不存在：{path}")
    template = DocxTemplate(path)
    try:
        template.init_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, XMLSyntaxError, ValueError) as exc:
        raise InputFileError(f"不是可读的 Word 文档（.docx）：{path}（{exc}）") from exc
    return template


def template_parts(template: DocxTemplate) -> list[TemplatePart]:
    """The Jinja source of body, headers, footers and footnotes, as docxtpl renders them."""
    parts = [TemplatePart("正文", _lines(template.patch_xml(template.get_xml())))]
    for kind, uri in (("页眉", template.HEADER_URI), ("页脚", template.FOOTER_URI)):
        for _, part in template.get_headers_footers(uri):
            parts.append(TemplatePart(kind, _lines(template.patch_xml(template.get_part_xml(part)))))
    for part in template.docx.part.package.parts:
        if part.content_type == FOOTNOTES_TYPE:
            parts.append(TemplatePart("脚注", _lines(template.patch_xml(part.blob.decode("utf-8")))))
    return parts


def _lines(xml: str) -> str:
    # The same split as docxtpl's render, so Jinja line numbers point at paragraphs.
    return PARAGRAPH_START.sub(r"\n<w:p\1", xml)


@dataclass(frozen=True)
class SyntaxProblem:
    """Where a template fails to parse: the part, the paragraph line, the text around it, Jinja's message."""

    part: TemplatePart
    lineno: int
    context: str
    message: str

    def describe(self, path: Path) -> str:
        """A Chinese message naming the template, the part and the surrounding text."""
        return f"模板 {path} 的{self.part.name}有 Jinja 语法错误：{self.message}；出错处附近的文字：「{self.context}」"


def find_syntax_error(parts: list[TemplatePart], env: Environment) -> SyntaxProblem | None:
    """The first syntax error of the template's parts, or None when every part parses."""
    for part in parts:
        try:
            env.parse(part.source)
        except TemplateSyntaxError as exc:
            lineno = exc.lineno or 1
            if exc.message and exc.message.startswith("Unexpected end of template"):
                # Jinja reports the end of the document; the paragraph to fix is the unclosed opening tag.
                lineno = _unclosed_block_line(part.source, env) or lineno
            context = " ⏎ ".join(part.text_lines(lineno - 1, lineno + 1))
            return SyntaxProblem(part, lineno, context, exc.message or str(exc))
    return None


def _unclosed_block_line(source: str, env: Environment) -> int | None:
    openers: list[int] = []
    tokens = [token for token in _safe_lex(source, env) if token[1] != "whitespace"]
    for (_, kind, _), (lineno, next_kind, value) in itertools.pairwise(tokens):
        if kind != "block_begin" or next_kind != "name":
            continue
        if value in BLOCK_TAGS:
            openers.append(lineno)
        elif value.startswith("end") and openers:
            openers.pop()
    return openers[-1] if openers else None


def _safe_lex(source: str, env: Environment):
    try:
        yield from env.lex(source)
    except TemplateSyntaxError:
        return


BLOCK_TAGS = frozenset({"if", "for", "macro", "call", "filter", "with", "block", "autoescape", "raw"})


def template_usage(parts: list[TemplatePart], env: Environment) -> Usage:
    """Parse every part and collect the context paths, filters and tests it uses."""
    usage = Usage()
    for part in parts:
        # Jinja globals (range, namespace, …) are not context data.
        _Collector(usage).visit(env.parse(part.source), dict.fromkeys(env.globals))
    return usage


class _Collector:
    """Walks a Jinja AST, tracking loop and set variables so `m.name` inside `for m in matters` is matters[].name."""

    def __init__(self, usage: Usage):
        self.usage = usage
        self.conditional = 0

    def visit(self, node: nodes.Node, scope: dict[str, str | None]) -> None:
        handler = getattr(self, f"_visit_{type(node).__name__}", None)
        if handler is not None:
            handler(node, scope)
            return
        self._children(node, scope)

    def _children(self, node: nodes.Node, scope: dict[str, str | None]) -> None:
        for child in node.iter_child_nodes():
            self.visit(child, scope)

    def _record(self, expr: nodes.Node, scope: dict[str, str | None]) -> bool:
        path = self.path_of(expr, scope)
        if path:
            self.usage.paths.add(path)
        return path is not None

    def path_of(self, expr: nodes.Node, scope: dict[str, str | None]) -> str | None:
        """The context path an expression denotes, or None when it is not a plain lookup."""
        if isinstance(expr, nodes.Name):
            return scope.get(expr.name, expr.name)
        if isinstance(expr, nodes.Getattr):
            base = self.path_of(expr.node, scope)
            return f"{base}.{expr.attr}" if base else None
        if isinstance(expr, nodes.Getitem) and isinstance(expr.arg, nodes.Const):
            base = self.path_of(expr.node, scope)
            if not base:
                return None
            return f"{base}.{expr.arg.value}" if isinstance(expr.arg.value, str) else f"{base}[]"
        if isinstance(expr, nodes.Filter) and expr.node is not None and expr.name in ITEM_PRESERVING_FILTERS:
            return self.path_of(expr.node, scope)
        return None

    def _visit_Output(self, node: nodes.Output, scope):
        for expr in node.nodes:
            base = expr
            while isinstance(base, nodes.Filter) and base.node is not None and base.name in PRINTING_FILTERS:
                base = base.node
            path = None if isinstance(base, nodes.TemplateData) else self.path_of(base, scope)
            if path and not self.conditional:
                self.usage.printed.add(path)
            self.visit(expr, scope)

    def _visit_If(self, node: nodes.If, scope):
        self.visit(node.test, scope)
        self._conditionally(node.body + node.elif_ + node.else_, scope)

    def _visit_CondExpr(self, node: nodes.CondExpr, scope):
        self.visit(node.test, scope)
        self._conditionally([node.expr1] + ([node.expr2] if node.expr2 else []), scope)

    def _conditionally(self, children: list[nodes.Node], scope) -> None:
        self.conditional += 1
        for child in children:
            self.visit(child, scope)
        self.conditional -= 1

    def _visit_Name(self, node: nodes.Name, scope):
        if node.ctx == "load":
            self._record(node, scope)

    def _visit_Getattr(self, node, scope):
        if not self._record(node, scope):
            self._children(node, scope)

    def _visit_Getitem(self, node, scope):
        if not self._record(node, scope):
            self._children(node, scope)

    def _visit_Call(self, node: nodes.Call, scope):
        if isinstance(node.node, nodes.Getattr):
            # A method call (x.items(), text.strip()): the object is used, the method name is not data.
            self.visit(node.node.node, scope)
        else:
            self.visit(node.node, scope)
        for arg in (*node.args, *node.kwargs, node.dyn_args, node.dyn_kwargs):
            if arg is not None:
                self.visit(arg, scope)

    def _visit_Filter(self, node: nodes.Filter, scope):
        self.usage.filters.add(node.name)
        self._children(node, scope)

    def _visit_Test(self, node: nodes.Test, scope):
        self.usage.tests.add(node.name)
        self._children(node, scope)

    def _visit_For(self, node: nodes.For, scope):
        self.visit(node.iter, scope)
        item = self.path_of(node.iter, scope)
        inner = dict(scope, loop=None)
        self._bind(node.target, f"{item}[]" if item else None, inner)
        if node.test is not None or _selects(node.iter):
            if node.test is not None:
                self.visit(node.test, inner)
            self._conditionally(node.body, inner)
        else:
            for child in node.body:
                self.visit(child, inner)
        self._conditionally(node.else_, scope)

    def _visit_Assign(self, node: nodes.Assign, scope):
        self.visit(node.node, scope)
        self._bind(node.target, self.path_of(node.node, scope), scope)

    def _visit_AssignBlock(self, node: nodes.AssignBlock, scope):
        for child in node.body:
            self.visit(child, scope)
        self._bind(node.target, None, scope)

    def _visit_With(self, node: nodes.With, scope):
        inner = dict(scope)
        for target, value in zip(node.targets, node.values, strict=True):
            self.visit(value, scope)
            self._bind(target, self.path_of(value, scope), inner)
        for child in node.body:
            self.visit(child, inner)

    def _visit_Macro(self, node: nodes.Macro, scope):
        inner = dict(scope, varargs=None, kwargs=None, caller=None)
        for arg in node.args:
            inner[arg.name] = None
        for child in node.body:
            self.visit(child, inner)

    def _bind(self, target: nodes.Node, path: str | None, scope: dict[str, str | None]) -> None:
        if isinstance(target, nodes.Name):
            scope[target.name] = path
        elif isinstance(target, nodes.NSRef):
            return
        else:
            for name in target.find_all(nodes.Name):
                scope[name.name] = None


def _selects(expr: nodes.Node) -> bool:
    return isinstance(expr, nodes.Filter) and expr.name in SELECTING_FILTERS


# Filters whose result holds the same items as their input, so `for m in matters|sort(...)` is still matters[].
ITEM_PRESERVING_FILTERS = frozenset({
    "sort", "selectattr", "rejectattr", "select", "reject", "list", "reverse", "unique",
})
# Of those, the ones that drop items: a loop over them prints only some.
SELECTING_FILTERS = frozenset({"selectattr", "rejectattr", "select", "reject", "unique"})
# Filters that print every character of their input (formatting filters like money change it).
PRINTING_FILTERS = frozenset({"join", "e", "escape", "string", "trim", "safe", "default", "d"})
