"""Meeting services (联席会议 / 联合审批协调会议): record a meeting, its decisions and their closing, and say
what a meeting still lacks — its signed minutes and its sign-in sheet (seed 002 五(五), 003 二(五)6)."""

from dataclasses import dataclass
from datetime import date

from archive.base.errors import UsageError
from archive.base.terms import DocKind
from archive.casework.values import checked_text, past_day, required_text
from archive.catalog import meetings as catalog
from archive.catalog.meetings import Decision, Meeting, MeetingItem
from archive.catalog.session import Archive

MINUTES_CATEGORY = "会议纪要"


@dataclass(frozen=True)
class MeetingView:
    """A meeting with its decisions, its items and what it still lacks."""

    meeting: Meeting
    decisions: list[Decision]
    items: list[MeetingItem]
    missing: list[str]


def parse_depts(given: list[str]) -> list[tuple[str, str]]:
    """Departments as 部门:负责人 (the person may be left out: 部门)."""
    depts = []
    for entry in given:
        dept, _, name = entry.replace("：", ":").partition(":")
        if not dept.strip():
            raise UsageError(f"参会部门“{entry}”应写作 部门:负责人")
        depts.append((checked_text("参会部门", dept.strip()), checked_text("负责人", name.strip())))
    return depts


def record_meeting(archive: Archive, case_no: str, topic: str, held: date, place: str, convener: str,
                   depts: list[str]) -> Meeting:
    """Record a meeting of a case with what is known before it is held."""
    topic, place, convener = (required_text(label, value) for label, value in (
        ("会议议题", topic), ("会议地点", place), ("主持人", convener)))
    return catalog.insert_meeting(archive, case_no, topic, held.isoformat(), place, convener, parse_depts(depts))


def parse_decision(entry: str) -> tuple[str, str, date | None]:
    """A decision as 议定事项|责任部门|期限 (期限 YYYY-MM-DD, may be left out)."""
    parts = [p.strip() for p in entry.split("|")]
    if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
        raise UsageError(f"议定事项“{entry}”应写作 议定事项|责任部门|期限（期限如 2026-12-10，可省略）")
    deadline = None
    if len(parts) == 3 and parts[2]:
        try:
            deadline = date.fromisoformat(parts[2])
        except ValueError:
            raise UsageError(f"议定事项“{parts[0]}”的期限“{parts[2]}”不是日期（YYYY-MM-DD）") from None
    return checked_text("议定事项", parts[0]), checked_text("责任部门", parts[1]), deadline


def add_decisions(archive: Archive, meeting: Meeting, parsed: list[tuple[str, str, date | None]]) -> list[Decision]:
    """Record what a meeting agreed (entries already checked by parse_decision)."""
    return [catalog.insert_decision(archive, meeting, issue, dept, deadline.isoformat() if deadline else None)
            for issue, dept, deadline in parsed]


def close_decision(archive: Archive, decision_id: int, note: str = "", on: date | None = None) -> Decision:
    """Mark a decision carried out (today or on the day given)."""
    decision = catalog.get_decision(archive, decision_id)
    if decision.closed:
        raise UsageError(f"议定事项 {decision_id}“{decision.issue}”已于 {decision.closed} 办结")
    past_day(on, "只能记录已经办结的事项")
    return catalog.close_decision(archive, decision, (on or date.today()).isoformat(), checked_text("办结说明", note))


def missing_pieces(meeting: Meeting, found: list[MeetingItem]) -> list[str]:
    """What a held meeting's file lacks: signed minutes (a signed 会议记录表 or a minutes scan) and a signed
    sign-in sheet."""
    # The 会议记录表 daiban prints is not the minutes until it comes back signed; a minutes scan filed
    # to the meeting is.
    minutes = any((i.form_id == "meeting" and DocKind.SIGNED in i.kinds)
                  or (i.category == MINUTES_CATEGORY and i.kinds - {DocKind.GENERATED}) for i in found)
    signin = any(i.form_id == "signin" and DocKind.SIGNED in i.kinds for i in found)
    label = f"会议 {meeting.id}《{meeting.topic}》（{meeting.held}）"
    return ([] if minutes else [f"{label}缺少签字的会议记录（纪要）"]) + \
        ([] if signin else [f"{label}缺少签到表（签字后的扫描件）"])


def case_meeting_views(archive: Archive, case_no: str, today: date | None = None) -> list[MeetingView]:
    """A case's meetings with their decisions, items and, once held, what they lack."""
    today = today or date.today()
    decided = catalog.case_decisions(archive, case_no)
    views = []
    for meeting in catalog.case_meetings(archive, case_no):
        found = catalog.meeting_items(archive, meeting)
        held = date.fromisoformat(meeting.held[:10]) <= today
        views.append(MeetingView(meeting, [d for d in decided if d.meeting_id == meeting.id], found,
                                 missing_pieces(meeting, found) if held else []))
    return views
