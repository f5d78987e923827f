"""Deadlines (时限) the seeds set, counted in Chinese working days: what is overdue and what falls due.

The rules are data (RULES): each names where its time limit comes from and the function that finds
its deadlines in one case's facts. A date counted through a year without holiday data is 估算, and
the report names the years missing so that the agency can add them (daiban calendar add-year).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from archive.base.terms import OPEN_STATUSES, CaseStatus, DocKind, MatterStatus
from archive.base.workdays import Due, Estimated, Quarter, WorkCalendar, add_workdays
from archive.catalog import events
from archive.catalog.cases import Case, list_cases
from archive.catalog.documents import FiledDocument, form_copies_of_cases, form_filed_dates
from archive.catalog.matters import Matter, matters_of_cases
from archive.catalog.meetings import Decision, decisions_of_cases
from archive.catalog.session import Archive
from archive.dataroot.calendar import load_calendar

AGENCY = "（机构）"
# Seed 000 二6 and 002 三3 ask for progress to be reported to the enterprise 定期; the owner set it at half a month.
PROGRESS_DAYS = 15
WATCHED = (*OPEN_STATUSES, CaseStatus.COMPLETED)


@dataclass(frozen=True)
class Deadline(Estimated):
    """One thing due: for which case and 项目长, what, by when (估算 when a year's holidays are unknown)."""

    case_no: str
    manager: str
    rule: str
    what: str
    basis: str
    due: date
    unknown_years: tuple[int, ...] = ()

    def overdue(self, today: date) -> bool:
        """True when the day has passed."""
        return self.due < today


@dataclass(frozen=True)
class DueList:
    """The deadlines asked for, sorted by date, and the years whose holidays are unknown."""

    deadlines: list[Deadline]
    unknown_years: tuple[int, ...]
    today: date


@dataclass(frozen=True)
class _Facts:
    case: Case
    matters: list[Matter]
    documents: list[FiledDocument]
    entered: dict[str, date]
    calendar: WorkCalendar
    decisions: list[Decision]


def _day(stamp: str) -> date:
    return date.fromisoformat(stamp[:10])


def _deadline(facts: _Facts, rule: str, what: str, basis: str, due: Due) -> Deadline:
    return Deadline(facts.case.case_no, facts.case.facts.manager, rule, what, basis, due.day, due.unknown_years)


def planned_date(calendar: WorkCalendar, matter: Matter) -> Due | None:
    """When a matter is due: its time limit in working days from its acceptance (None until accepted)."""
    if not (matter.accepted and matter.time_limit):
        return None
    return add_workdays(calendar, _day(matter.accepted), matter.time_limit)


def _matter_limits(facts: _Facts) -> list[Deadline]:
    found = []
    for m in facts.matters:
        if m.status != MatterStatus.DONE and (due := planned_date(facts.calendar, m)):
            found.append(_deadline(facts, "matter_limit", f"审批事项“{m.name}”办结（{m.dept}）",
                                   f"{_day(m.accepted)} 受理，法定时限 {m.time_limit} 个工作日", due))
    return found


def _closing_papers(facts: _Facts) -> list[Deadline]:
    # Seed 002 三(八): 项目办结2个工作日内将代办项目办结单等相关资料移交代办机构留档.
    done = [_day(m.done) for m in facts.matters if m.status == MatterStatus.DONE and m.done]
    if not facts.matters or len(done) < len(facts.matters) or facts.case.status not in (
            CaseStatus.HANDLING, CaseStatus.SUSPENDED):
        return []
    last = max(done)
    return [_deadline(facts, "closing_papers", "签署《办结单》并将办结资料移交代办机构留档",
                      f"审批事项于 {last} 全部办结，2 个工作日内", add_workdays(facts.calendar, last, 2))]


def _advice(facts: _Facts) -> list[Deadline]:
    # Seed 001 四(七): 三个工作日内填写工作建议表.
    ended = facts.entered.get(CaseStatus.COMPLETED)
    if ended is None or facts.case.status != CaseStatus.COMPLETED or any(
            d.form_id == "advice" for d in facts.documents):
        return []
    return [_deadline(facts, "advice", "填写《工作建议表》", f"{ended} 办结，3 个工作日内",
                      add_workdays(facts.calendar, ended, 3))]


def _progress(facts: _Facts) -> list[Deadline]:
    started = facts.entered.get(CaseStatus.HANDLING)
    if started is None or facts.case.status != CaseStatus.HANDLING:
        return []
    reports = [_day(d.doc_date or d.filed) for d in facts.documents if d.form_id == "progress"]
    last = max([started, *reports])
    said = f"上次进度汇总 {last}" if reports else f"{last} 进入办理"
    return [_deadline(facts, "progress", "向项目单位反馈《代办项目进度汇总》", f"{said}，每半月一次",
                      Due(last + timedelta(days=PROGRESS_DAYS)))]


# 县级 → 市级 → 省级: a matter whose approval lies a level up waits for the levels below it.
LEVEL_RANK = {"县级": 0, "市级": 1, "省级": 2}


def lower_levels(matters: list[Matter], upper: Matter) -> list[Matter]:
    """The matters of upper's stage at a level below it: their approval comes first, then upper is pushed up."""
    return [m for m in matters if m.stage == upper.stage and LEVEL_RANK[m.level] < LEVEL_RANK[upper.level]]


def _cross_level(facts: _Facts) -> list[Deadline]:
    # Seed 001 四(二)1 and 002 五(五): after the local approval, push to the department a level up within
    # 1 working day (its 协办单), until it is pushed (submitted), accepted, or a 协办单 filed after the
    # local approval shows it went.
    found = []
    for upper in facts.matters:
        if upper.status != MatterStatus.WAITING or upper.submitted:
            continue
        below = lower_levels(facts.matters, upper)
        if not below or any(m.status != MatterStatus.DONE or not m.done for m in below):
            continue
        local = max(_day(m.done) for m in below)
        # A generated 协办单 is only prepared; the copy filed back (scanned or uploaded) is the one that went.
        if any(d.form_id == "assist" and d.kind != DocKind.GENERATED and _day(d.doc_date or d.filed) >= local
               for d in facts.documents):
            continue
        paper = f"协办单第{upper.assist_item:04d}件" if upper.assist_item else "协办单"
        found.append(_deadline(facts, "cross_level", f"向{upper.dept}推送“{upper.name}”（{paper}，{upper.level}）",
                               f"本级审批于 {local} 完成，1 个工作日内", add_workdays(facts.calendar, local, 1)))
    return found


def _decisions(facts: _Facts) -> list[Deadline]:
    # A meeting's decisions keep their own deadlines until closed (seed 002 五(五)).
    return [_deadline(facts, "decision", f"会议议定事项：{d.issue}（{d.dept}）", f"会议 {d.meeting_id} 议定",
                      Due(date.fromisoformat(d.deadline)))
            for d in facts.decisions if d.deadline and not d.closed]


# Each rule's code (as its deadlines carry it), its name for people, and how it finds them in a case.
RULES: dict[str, tuple[str, Callable[[_Facts], list[Deadline]]]] = {
    "matter_limit": ("审批事项办理时限", _matter_limits), "closing_papers": ("办结资料移交留档", _closing_papers),
    "advice": ("工作建议表", _advice), "progress": ("进度汇总反馈", _progress),
    "decision": ("会议议定事项", _decisions), "cross_level": ("跨层级推送", _cross_level),
}


def status_entries(log: list[events.Event]) -> dict[str, dict[str, date]]:
    """For each case in the log, the day it last entered each status."""
    entered: dict[str, dict[str, date]] = {}
    for e in log:
        if e.action == "case.status":
            entered.setdefault(e.case_no, {})[e.details.get("new")] = _day(e.ts)
        elif e.action == "case.resumed":
            entered.setdefault(e.case_no, {})[CaseStatus.HANDLING] = _day(e.ts)
    return entered


def interactions_deadline(archive: Archive, calendar: WorkCalendar, today: date) -> Deadline | None:
    """The quarter's 政企互动情况统计表 (seed 004 三(五): the first 5 working days of each quarter), until filed."""
    quarter = Quarter.containing(today)
    if any(filed >= quarter.start for filed in form_filed_dates(archive, "interactions")):
        return None
    due = add_workdays(calendar, quarter.start - timedelta(days=1), 5)
    return Deadline("", AGENCY, "interactions", f"填报{quarter.previous.label}《政企互动情况统计表》",
                    "每季度前 5 个工作日内", due.day, due.unknown_years)


STATUS_ACTIONS = ("case.status", "case.resumed")
# The forms whose copies on file the rules look at: the 建议表, the 进度汇总, the 协办单.
WATCHED_FORMS = ("advice", "progress", "assist")


def _facts_of(archive: Archive, cases: list[Case], calendar: WorkCalendar) -> list[_Facts]:
    """What the rules look at for each case, read for all of them at once (a few queries, not a few per case)."""
    ids = [c.id for c in cases]
    matters, copies = matters_of_cases(archive, ids), form_copies_of_cases(archive, ids, WATCHED_FORMS)
    entered = status_entries(events.read_actions(archive, STATUS_ACTIONS, case_nos=[c.case_no for c in cases]))
    decided = decisions_of_cases(archive, ids)
    return [_Facts(c, matters.get(c.id, []), copies.get(c.id, []), entered.get(c.case_no, {}), calendar,
                   decided.get(c.case_no, [])) for c in cases]


def _deadlines(facts: _Facts) -> list[Deadline]:
    return [d for _, rule in RULES.values() for d in rule(facts)]


def case_deadlines(archive: Archive, case: Case, calendar: WorkCalendar) -> list[Deadline]:
    """Every open deadline of one case, by the rules."""
    return _deadlines(_facts_of(archive, [case], calendar)[0])


def cases_deadlines(archive: Archive, cases: list[Case], calendar: WorkCalendar) -> list[Deadline]:
    """Every open deadline of these cases, by the rules."""
    return [d for facts in _facts_of(archive, cases, calendar) for d in _deadlines(facts)]


def due(archive: Archive, days: int = 14, overdue_only: bool = False, manager: str | None = None,
        today: date | None = None) -> DueList:
    """What is overdue and what falls due within days, per case and 项目长, sorted by date."""
    today = today or date.today()
    calendar = load_calendar(archive.root)
    found = cases_deadlines(archive, list_cases(archive, manager=manager, statuses=WATCHED), calendar)
    if manager is None and (quarterly := interactions_deadline(archive, calendar, today)):
        found.append(quarterly)
    horizon = today + timedelta(days=days)
    shown = [d for d in found if d.overdue(today) or (not overdue_only and d.due <= horizon)]
    shown.sort(key=lambda d: (d.due, d.case_no, d.rule))
    unknown = tuple(sorted({y for d in shown for y in d.unknown_years}))
    events.record(archive, "due.listed", days=days, overdue=overdue_only, manager=manager)
    return DueList(shown, unknown, today)
