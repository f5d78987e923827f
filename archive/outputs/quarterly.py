"""The quarterly summary (季度汇总): cases by state and by 项目长, working days from 受理 to 办结, deadlines
missed, the 中止 conditions met, the 政企互动 activities and the evaluations both ways — as a table for the
terminal, an .xlsx workbook with a chart, and the quarter's 政企互动情况统计表 when asked."""

import io
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import openpyxl
from openpyxl.chart import BarChart, Reference

from archive.base.atomicio import atomic_output
from archive.base.errors import UsageError
from archive.base.terms import RATINGS, SUSPEND_REASONS, CaseStatus
from archive.base.workdays import Quarter, workdays_between
from archive.casework.deadlines import RULES, WATCHED, cases_deadlines, status_entries
from archive.casework.evaluations import RatingRow, evaluations_in, rating_summary
from archive.casework.interactions import Interaction, interactions_in
from archive.catalog import events
from archive.catalog.cases import list_cases
from archive.catalog.session import Archive
from archive.dataroot.calendar import load_calendar
from archive.outputs.agencyforms import render_quarter_interactions
from archive.outputs.context import FormValues
from archive.outputs.forms import Generated


@dataclass(frozen=True)
class Duration:
    """How long one case took from 受理 to 办结, in working days (估算 when a year's holidays are unknown)."""

    case_no: str
    manager: str
    accepted: str
    completed: str
    workdays: int
    estimated: bool


@dataclass(frozen=True)
class QuarterReport:
    """The figures of one quarter."""

    quarter: Quarter
    opened: int
    completed: int
    by_status: list[tuple[str, int]]
    by_manager: list[tuple[str, int, int]]
    durations: list[Duration]
    overdue: list[tuple[str, int]]
    suspensions: list[tuple[str, int]]
    interactions: list[Interaction]
    ratings: list[RatingRow]
    xlsx: Path | None = None
    form: Generated | None = None


def _in(quarter: Quarter, stamp: str) -> bool:
    return quarter.holds(date.fromisoformat(stamp[:10]))


def _durations(archive: Archive, quarter: Quarter, log: list[events.Event], managers: dict[str, str]) -> list[Duration]:
    calendar = load_calendar(archive.root)
    found = []
    for case_no, entered in status_entries(log).items():
        accepted, completed = entered.get(CaseStatus.ACCEPTED), entered.get(CaseStatus.COMPLETED)
        if accepted and completed and quarter.holds(completed):
            span = workdays_between(calendar, accepted, completed)
            found.append(Duration(case_no, managers.get(case_no, ""), accepted.isoformat(), completed.isoformat(),
                                  span.days, span.estimated))
    return found


def _overdue(archive: Archive, quarter: Quarter, cases, today: date) -> list[tuple[str, int]]:
    calendar = load_calendar(archive.root)
    watched = [c for c in cases if c.status in WATCHED]
    missed = Counter(RULES[d.rule][0] for d in cases_deadlines(archive, watched, calendar)
                     if quarter.holds(d.due) and d.overdue(today))
    return sorted(missed.items())


def _write_xlsx(report: QuarterReport, out: Path) -> None:
    book = openpyxl.Workbook()
    summary = book.active
    summary.title = "概况"
    summary.append(["季度", report.quarter.label])
    summary.append(["本季度立案", report.opened])
    summary.append(["本季度办结", report.completed])
    for title, header, rows in (
            ("案件状态", ["状态", "案件数"], report.by_status),
            ("项目长", ["项目长", "案件数", "在办"], report.by_manager),
            ("办理用时", ["案件编号", "项目长", "受理", "办结", "工作日", "估算"],
             [(d.case_no, d.manager, d.accepted, d.completed, d.workdays, "是" if d.estimated else "")
              for d in report.durations]),
            ("逾期", ["时限", "逾期次数"], report.overdue),
            ("中止情形", ["中止情形", "次数"], report.suspensions),
            ("政企互动", ["时间", "地点", "参加企业", "活动内容", "备注"],
             [(str(a.day), a.place, a.companies, a.content, a.note) for a in report.interactions]),
            ("服务评价", ["评价对象", "评价内容", *RATINGS],
             [(r.subject, r.aspect, *r.counts) for r in report.ratings])):
        sheet = book.create_sheet(title)
        sheet.append(header)
        for row in rows:
            sheet.append(list(row))
    states = book["案件状态"]
    chart = BarChart()
    chart.title = f"{report.quarter.label} 案件状态"
    chart.add_data(Reference(states, min_col=2, min_row=1, max_row=max(states.max_row, 2)), titles_from_data=True)
    chart.set_categories(Reference(states, min_col=1, min_row=2, max_row=max(states.max_row, 2)))
    states.add_chart(chart, "D2")
    buffer = io.BytesIO()
    book.save(buffer)
    with atomic_output(out) as handle:
        handle.write(buffer.getvalue())


def quarter_report(archive: Archive, quarter_text: str, xlsx: Path | None = None, today: date | None = None,
                   form: FormValues | None = None) -> QuarterReport:
    """The quarter's figures, written to an .xlsx workbook when asked; with form values, the quarter's
    政企互动情况统计表 is rendered and filed in the 机构文件 too."""
    quarter = Quarter.parse(quarter_text)
    if xlsx is not None and xlsx.suffix.lower() != ".xlsx":
        raise UsageError(f"{xlsx}：工作簿须为 .xlsx 文件")
    today = today or date.today()
    cases = [c for c in list_cases(archive) if date.fromisoformat(c.opened[:10]) <= quarter.end]
    managers = {c.case_no: c.facts.manager for c in cases}
    log = events.read_log(archive)
    by_manager = Counter(c.facts.manager for c in cases)
    open_by_manager = Counter(c.facts.manager for c in cases if c.status in WATCHED)
    suspended = Counter(SUSPEND_REASONS.get(e.details.get("reason_code"), "未注明") for e in log
                        if e.action == "case.status" and e.details.get("new") == CaseStatus.SUSPENDED
                        and _in(quarter, e.ts))
    durations = _durations(archive, quarter, log, managers)
    report = QuarterReport(
        quarter, sum(_in(quarter, c.opened) for c in cases), len(durations),
        [(s.value, n) for s in CaseStatus if (n := sum(c.status == s for c in cases))],
        [(m, n, open_by_manager[m]) for m, n in sorted(by_manager.items())],
        durations, _overdue(archive, quarter, cases, today), sorted(suspended.items()),
        interactions_in(archive, quarter), rating_summary(evaluations_in(archive, quarter)), xlsx)
    if form is not None:
        report = replace(report, form=render_quarter_interactions(archive, quarter, report.interactions, form))
    if xlsx is not None:
        _write_xlsx(report, xlsx)
    events.record(archive, "report.quarter", quarter=quarter.label, path=str(xlsx) if xlsx else None)
    return report
