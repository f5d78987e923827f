"""What a template may not do: reach Python's internals (dunder attributes and the like) to run code.

Templates in <root>/templates/ are the agency's own, edited in Word: they are
input, not code. They are rendered in Jinja's sandbox, and these expressions are
refused before rendering and reported by `daiban forms check`.
"""

from dataclasses import dataclass

from jinja2 import Environment, nodes

from docgen.source import TemplatePart


@dataclass(frozen=True)
class UnsafeExpression:
    """An expression reaching for internals: where it is and what it reads."""

    part: TemplatePart
    lineno: int
    expression: str

    @property
    def context(self) -> str:
        """The visible text of the paragraph holding it."""
        return " ⏎ ".join(self.part.text_lines(self.lineno, self.lineno))

    def describe(self) -> str:
        """A Chinese message naming the expression and where it is."""
        return f"{self.part.name}中的表达式 {self.expression} 访问了 Python 内部属性，模板不得使用（已拒绝）"


def _internal(name: object) -> bool:
    return isinstance(name, str) and name.startswith("_")


def _text(node: nodes.Node | None) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_text(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        key = repr(node.arg.value) if isinstance(node.arg, nodes.Const) else "…"
        return f"{_text(node.node)}[{key}]"
    if isinstance(node, nodes.Call):
        return f"{_text(node.node)}(…)"
    if isinstance(node, nodes.Filter):
        return f"{_text(node.node)}|{node.name}"
    if isinstance(node, nodes.Const):
        return repr(node.value)
    return "…"


def _is_unsafe(node: nodes.Node) -> bool:
    if isinstance(node, nodes.Getattr):
        return _internal(node.attr)
    if isinstance(node, nodes.Getitem):
        return isinstance(node.arg, nodes.Const) and _internal(node.arg.value)
    if isinstance(node, nodes.Filter) and node.name == "attr":
        # |attr names the attribute as a value: anything but a plain public name is refused.
        name = node.args[0] if node.args else None
        return not isinstance(name, nodes.Const) or _internal(name.value)
    return False


def find_unsafe(parts: list[TemplatePart], env: Environment) -> list[UnsafeExpression]:
    """Every expression of the template's parts that reaches for internals, in order."""
    found = []
    for part in parts:
        for node in env.parse(part.source).find_all((nodes.Getattr, nodes.Getitem, nodes.Filter)):
            if _is_unsafe(node):
                found.append(UnsafeExpression(part, node.lineno, _text(node)))
    return found
