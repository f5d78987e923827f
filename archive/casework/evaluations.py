"""Evaluation both ways (seed 002 九): the enterprise rates the agency and the approval departments on its
代办服务评价意见单, and the agent rates each approval department that handled the case's matters.

Each evaluation is an event of the case's log, read back for the 评价意见单 and the quarterly report.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from archive.base.errors import UsageError
from archive.base.terms import EVALUATION_METHODS, RATINGS, CaseStatus
from archive.base.workdays import Quarter
from archive.casework.values import checked_text, past_day
from archive.catalog import events
from archive.catalog.cases import get_case
from archive.catalog.matters import list_matters
from archive.catalog.session import Archive

BY_ENTERPRISE = "evaluation.enterprise"
BY_AGENT = "evaluation.department"
ASPECTS = {"attitude": "服务态度", "efficiency": "办事效率", "quality": "服务质量"}
# Whom the enterprise's form rates, by the prefix of its fields (templates/forms.toml, evaluate).
ENTERPRISE_SUBJECTS = {"agent": "代办机构及代办员", "dept": "审批部门及窗口工作人员"}


@dataclass(frozen=True)
class Evaluation:
    """One evaluation: of a case, on a day, by the enterprise or an agent, its ratings by field and comments."""

    seq: int
    case_no: str
    day: date
    by_enterprise: bool
    dept: str
    ratings: dict[str, str]
    method: str
    comments: str
    actor: str


@dataclass(frozen=True)
class RatingRow:
    """How often one subject was rated 满意, 基本满意 and 不满意 on one aspect."""

    subject: str
    aspect: str
    counts: tuple[int, int, int]


def _ratings(given: dict[str, str | None]) -> dict[str, str]:
    ratings = {key: value for key, value in given.items() if value}
    wrong = [value for value in ratings.values() if value not in RATINGS]
    if wrong:
        raise UsageError(f"评价“{'、'.join(wrong)}”无效，应为：{'、'.join(RATINGS)}")
    if not ratings:
        raise UsageError(f"请至少给出一项评价（{'、'.join(ASPECTS.values())}）")
    return ratings


def _comments(text: str) -> str:
    return checked_text("意见和建议", text, multiline=True).strip()


def _checked(archive: Archive, case_no: str, on: date | None) -> date:
    if get_case(archive, case_no).status == CaseStatus.AGENCY_FILE:
        raise UsageError(f"{case_no} 是机构文件，不是案件：服务评价属于案件")
    past_day(on, "只记录已经作出的评价")
    return on or date.today()


def record_enterprise_evaluation(archive: Archive, case_no: str, ratings: dict[str, str | None],
                                 method: str = EVALUATION_METHODS[0], comments: str = "",
                                 on: date | None = None) -> Evaluation:
    """Record the enterprise's 代办服务评价意见单: ratings keyed agent_attitude … dept_quality, how it was given."""
    day = _checked(archive, case_no, on)
    unknown = sorted(set(ratings) - {f"{who}_{aspect}" for who in ENTERPRISE_SUBJECTS for aspect in ASPECTS})
    if unknown:
        raise UsageError(f"未知的评价项：{'、'.join(unknown)}")
    if method not in EVALUATION_METHODS:
        raise UsageError(f"评价方式“{method}”无效，应为：{'、'.join(EVALUATION_METHODS)}")
    event = events.record(archive, BY_ENTERPRISE, case_no=case_no, on=day.isoformat(), ratings=_ratings(ratings),
                          method=method, comments=_comments(comments))
    return _evaluation(event)


def record_department_evaluation(archive: Archive, case_no: str, dept: str, ratings: dict[str, str | None],
                                 comments: str = "", on: date | None = None) -> Evaluation:
    """Record an agent's evaluation of one approval department's service on the case (attitude, efficiency,
    quality); the department must be one that handles a matter of the case."""
    day = _checked(archive, case_no, on)
    depts = list(dict.fromkeys(m.dept for m in list_matters(archive, case_no)))
    if dept not in depts:
        known = "、".join(depts) or "（案件尚无审批事项）"
        raise UsageError(f"“{dept}”不是案件 {case_no} 审批事项的审批部门；可评价的部门：{known}")
    unknown = sorted(set(ratings) - set(ASPECTS))
    if unknown:
        raise UsageError(f"未知的评价项：{'、'.join(unknown)}")
    event = events.record(archive, BY_AGENT, case_no=case_no, on=day.isoformat(), dept=dept,
                          ratings=_ratings(ratings), comments=_comments(comments))
    return _evaluation(event)


def _evaluation(event: events.Event) -> Evaluation:
    d = event.details
    return Evaluation(event.seq, event.case_no, date.fromisoformat(d["on"]), event.action == BY_ENTERPRISE,
                      d.get("dept", ""), dict(d.get("ratings", {})), d.get("method", ""), d.get("comments", ""),
                      event.actor)


def evaluations(archive: Archive, case_no: str | None = None) -> list[Evaluation]:
    """Every evaluation recorded (of one case when given), oldest first."""
    return [_evaluation(e) for e in events.read_actions(archive, (BY_ENTERPRISE, BY_AGENT), case_no)]


def list_evaluations(archive: Archive, case_no: str | None = None) -> list[Evaluation]:
    """Show the evaluations recorded (the reading is logged)."""
    if case_no:
        get_case(archive, case_no)
    found = evaluations(archive, case_no)
    events.record(archive, "evaluations.listed", case_no=case_no)
    return found


def _subjects(evaluation: Evaluation) -> list[tuple[str, str, str]]:
    """(subject, aspect, rating) for every rating an evaluation gives."""
    if not evaluation.by_enterprise:
        return [(evaluation.dept, ASPECTS[key], value) for key, value in evaluation.ratings.items()]
    found = []
    for key, value in evaluation.ratings.items():
        who, aspect = key.split("_", 1)
        found.append((f"{ENTERPRISE_SUBJECTS[who]}（企业评价）", ASPECTS[aspect], value))
    return found


def rating_summary(found: list[Evaluation]) -> list[RatingRow]:
    """How each subject was rated on each aspect: the agency by enterprises, departments by both."""
    counted: dict[tuple[str, str], Counter] = {}
    for evaluation in found:
        for subject, aspect, rating in _subjects(evaluation):
            counted.setdefault((subject, aspect), Counter())[rating] += 1
    order = list(ASPECTS.values())
    return [RatingRow(subject, aspect, tuple(counts[r] for r in RATINGS))
            for (subject, aspect), counts in sorted(counted.items(), key=lambda x: (x[0][0], order.index(x[0][1])))]


def evaluations_in(archive: Archive, quarter: Quarter) -> list[Evaluation]:
    """The evaluations given in a quarter."""
    return [e for e in evaluations(archive) if quarter.holds(e.day)]
