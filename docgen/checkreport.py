"""The 四性检测 report (DA/T 70-2018) as people read it: an HTML page or a PDF, one row per check item with
its outcome and the evidence behind it."""

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import jinja2

from archive.base.atomicio import atomic_output
from archive.base.errors import UsageError
from docgen.frontmatter import cjk_document

HTML_TEMPLATE = Path(__file__).resolve().parent / "checkreport.html"
FORMATS = (".html", ".pdf")


class Outcome(StrEnum):
    """A check item's result; a check that could not run is 未检测, never 通过."""

    PASSED = "通过"
    FAILED = "不通过"
    NOT_APPLICABLE = "不适用"
    NOT_PERFORMED = "未检测"


@dataclass(frozen=True)
class CheckLine:
    """One DA/T 70 check item at one stage: its number and name, the outcome and the evidence."""

    stage: str
    item: str
    aspect: str
    name: str
    outcome: Outcome
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class CheckReport:
    """A whole 四性检测 report: what was checked, when, by whom, in which environment, and each item."""

    scope: str
    made: str
    by: str
    environment: tuple[tuple[str, str], ...]
    lines: tuple[CheckLine, ...]

    @property
    def counts(self) -> dict[Outcome, int]:
        """How many items came out each way."""
        found = Counter(line.outcome for line in self.lines)
        return {outcome: found[outcome] for outcome in Outcome}

    @property
    def ok(self) -> bool:
        """True when no item failed."""
        return not self.counts[Outcome.FAILED]


def _html(report: CheckReport) -> str:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True)
    return env.from_string(HTML_TEMPLATE.read_text(encoding="utf-8")).render(report=report)


def _pdf(report: CheckReport) -> bytes:
    text = " ".join([report.scope, report.by, *(v for _, v in report.environment),
                     *(e for line in report.lines for e in line.evidence)])
    pdf = cjk_document(text)
    pdf.add_page()
    pdf.set_font("serif", size=16)
    pdf.cell(0, 10, "电子档案四性检测报告", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("serif", size=10)
    counts = "，".join(f"{o.value} {n} 项" for o, n in report.counts.items())
    for line in (f"依据：DA/T 70-2018《文书类电子档案检测一般要求》　检测范围：{report.scope}",
                 f"检测时间：{report.made}　检测人：{report.by}", f"结论：{counts}"):
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("serif", size=9)
    with pdf.table(col_widths=(11, 10, 13, 38, 13, 105), line_height=5, text_align="LEFT",
                   repeat_headings=1) as table:
        table.row(("环节", "编号", "类别", "检测项目", "结果", "依据与说明"))
        for line in report.lines:
            table.row((line.stage, line.item, line.aspect, line.name, line.outcome.value, "\n".join(line.evidence)))
    pdf.ln(4)
    pdf.multi_cell(0, 6, "检测环境：" + "；".join(f"{k} {v}" for k, v in report.environment),
                   new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def check_format(out: Path) -> None:
    """Refuse a report file name that is neither .html nor .pdf, before any work is done."""
    if out.suffix.lower() not in FORMATS:
        raise UsageError(f"{out}：报告只能写成 .html 或 .pdf 文件")


def write_report(report: CheckReport, out: Path) -> Path:
    """Write the report as HTML or PDF, by out's suffix."""
    check_format(out)
    content = _html(report).encode() if out.suffix.lower() == ".html" else _pdf(report)
    with atomic_output(out) as handle:
        handle.write(content)
    return out
