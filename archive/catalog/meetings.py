"""Meetings (联席会议) and their decisions (议定事项) as the catalog stores them, every change an event."""

import json
from dataclasses import dataclass

from sqlalchemy import select

from archive.base.errors import NotFoundError, UsageError
from archive.base.terms import DocState
from archive.catalog import events
from archive.catalog.cases import case_row
from archive.catalog.engine import batches
from archive.catalog.schema import cases, decisions, documents, items, meetings
from archive.catalog.session import Archive


@dataclass(frozen=True)
class Meeting:
    """A meeting of a case: topic, when, where, who convenes, the departments and their people."""

    id: int
    case_no: str
    topic: str
    held: str
    place: str
    convener: str
    depts: tuple[tuple[str, str], ...]
    created: str


@dataclass(frozen=True)
class Decision:
    """One thing a meeting agreed: the department that does it, by when, and when it was closed."""

    id: int
    meeting_id: int
    case_no: str
    issue: str
    dept: str
    deadline: str | None
    closed: str | None
    closed_note: str = ""


@dataclass(frozen=True)
class MeetingItem:
    """A 件 attached to a meeting: its number, form and the kinds of its current files."""

    item_no: int
    title: str
    form_id: str | None
    category: str
    kinds: frozenset[str]


def _meeting(row) -> Meeting:
    depts = tuple((d["dept"], d["name"]) for d in json.loads(row.depts))
    return Meeting(row.id, row.case_no, row.topic, row.held, row.place, row.convener, depts, row.created)


def _decision(row) -> Decision:
    return Decision(row.id, row.meeting_id, row.case_no, row.issue, row.dept, row.deadline, row.closed,
                    row.closed_note)


def _meeting_query():
    return select(meetings, cases.c.case_no).join(cases)


def get_meeting(archive: Archive, meeting_id: int) -> Meeting:
    """One meeting by its number, else NotFoundError."""
    with archive.read() as conn:
        row = conn.execute(_meeting_query().where(meetings.c.id == meeting_id)).first()
    if row is None:
        raise NotFoundError(f"没有编号为 {meeting_id} 的会议（daiban meeting list 案件编号 列出案件的会议）")
    return _meeting(row)


def case_meetings(archive: Archive, case_no: str) -> list[Meeting]:
    """A case's meetings in the order they were recorded."""
    with archive.read() as conn:
        case_id = case_row(conn, case_no).id
        rows = conn.execute(_meeting_query().where(meetings.c.case_id == case_id).order_by(meetings.c.id)).all()
    return [_meeting(r) for r in rows]


def insert_meeting(archive: Archive, case_no: str, topic: str, held: str, place: str, convener: str,
                   depts: list[tuple[str, str]]) -> Meeting:
    """Record a meeting of a case."""
    listed = json.dumps([{"dept": d, "name": n} for d, n in depts], ensure_ascii=False)
    with archive.write() as conn:
        case_id = case_row(conn, case_no).id
        meeting_id = conn.execute(meetings.insert().values(
            case_id=case_id, topic=topic, held=held, place=place, convener=convener, depts=listed,
            created=events.now())).inserted_primary_key[0]
        events.append(conn, archive.actor, "meeting.created", case_no=case_no, meeting=meeting_id, topic=topic,
                      held=held, place=place, convener=convener, depts=[list(d) for d in depts])
    return get_meeting(archive, meeting_id)


def attach_items(archive: Archive, meeting: Meeting, item_nos: list[int]) -> None:
    """Make items of the meeting's case part of the meeting (its forms, minutes, photos)."""
    with archive.write() as conn:
        case_id = case_row(conn, meeting.case_no).id
        for item_no in item_nos:
            row = conn.execute(select(items.c.meeting_id).where(items.c.case_id == case_id,
                                                                items.c.item_no == item_no)).first()
            if row is None:
                raise NotFoundError(f"案件 {meeting.case_no} 没有件号 {item_no:04d}")
            if row.meeting_id not in (None, meeting.id):
                raise UsageError(f"件号 {item_no:04d} 已属于会议 {row.meeting_id}")
            conn.execute(items.update().where(items.c.case_id == case_id, items.c.item_no == item_no)
                         .values(meeting_id=meeting.id))
        events.append(conn, archive.actor, "meeting.attached", case_no=meeting.case_no, meeting=meeting.id,
                      items=item_nos)


def meeting_items(archive: Archive, meeting: Meeting) -> list[MeetingItem]:
    """The items of a meeting with the kinds of their current files."""
    with archive.read() as conn:
        case_id = case_row(conn, meeting.case_no).id
        rows = conn.execute(select(items.c.item_no, items.c.title, items.c.form_id, items.c.category,
                                   documents.c.kind)
                            .join(documents, (documents.c.case_id == items.c.case_id)
                                  & (documents.c.item_no == items.c.item_no))
                            .where(items.c.case_id == case_id, items.c.meeting_id == meeting.id,
                                   documents.c.state == DocState.FILED)).all()
    kinds: dict[int, set[str]] = {}
    found = {}
    for r in rows:
        kinds.setdefault(r.item_no, set()).add(r.kind)
        found[r.item_no] = r
    return [MeetingItem(n, found[n].title, found[n].form_id, found[n].category, frozenset(kinds[n]))
            for n in sorted(found)]


def insert_decision(archive: Archive, meeting: Meeting, issue: str, dept: str, deadline: str | None) -> Decision:
    """Record one thing the meeting agreed."""
    with archive.write() as conn:
        decision_id = conn.execute(decisions.insert().values(
            meeting_id=meeting.id, issue=issue, dept=dept, deadline=deadline)).inserted_primary_key[0]
        events.append(conn, archive.actor, "decision.added", case_no=meeting.case_no, meeting=meeting.id,
                      decision=decision_id, issue=issue, dept=dept, deadline=deadline)
    return get_decision(archive, decision_id)


def _decision_query():
    return (select(decisions, cases.c.case_no).join(meetings, meetings.c.id == decisions.c.meeting_id)
            .join(cases, cases.c.id == meetings.c.case_id))


def get_decision(archive: Archive, decision_id: int) -> Decision:
    """One decision by its number, else NotFoundError."""
    with archive.read() as conn:
        row = conn.execute(_decision_query().where(decisions.c.id == decision_id)).first()
    if row is None:
        raise NotFoundError(f"没有编号为 {decision_id} 的议定事项")
    return _decision(row)


def case_decisions(archive: Archive, case_no: str) -> list[Decision]:
    """Every decision of a case's meetings, in the order recorded."""
    with archive.read() as conn:
        case_id = case_row(conn, case_no).id
        rows = conn.execute(_decision_query().where(meetings.c.case_id == case_id).order_by(decisions.c.id)).all()
    return [_decision(r) for r in rows]


def decisions_of_cases(archive: Archive, case_ids: list[int]) -> dict[str, list[Decision]]:
    """The decisions of many cases' meetings by case number, a batch of cases per query."""
    found: dict[str, list[Decision]] = {}
    with archive.read() as conn:
        for batch in batches(case_ids):
            rows = conn.execute(_decision_query().where(meetings.c.case_id.in_(batch)).order_by(decisions.c.id))
            for row in rows:
                found.setdefault(row.case_no, []).append(_decision(row))
    return found


def close_decision(archive: Archive, decision: Decision, on: str, note: str) -> Decision:
    """Mark a decision carried out."""
    with archive.write() as conn:
        conn.execute(decisions.update().where(decisions.c.id == decision.id).values(closed=on, closed_note=note))
        events.append(conn, archive.actor, "decision.closed", case_no=decision.case_no, meeting=decision.meeting_id,
                      decision=decision.id, issue=decision.issue, on=on, note=note)
    return get_decision(archive, decision.id)
