"""A meeting's papers: the 会议通知 and 会议签到表 when it is called, the 会议记录表 with its decisions when it
has been held — each rendered with what the meeting record knows and made part of the meeting."""

from dataclasses import dataclass
from datetime import date

from archive.casework.meetings import add_decisions, parse_decision, record_meeting
from archive.catalog.meetings import Decision, Meeting, attach_items, get_meeting
from archive.catalog.session import Archive
from archive.outputs.context import FormValues
from archive.outputs.forms import Generated, generate_forms
from docgen.formatting import cn_date


@dataclass(frozen=True)
class MeetingPapers:
    """A meeting and the forms rendered for it (and the decisions recorded with its minutes)."""

    meeting: Meeting
    forms: list[Generated]
    decisions: list[Decision]


def _known(meeting: Meeting) -> dict[str, dict]:
    """What each meeting form can be filled with from the meeting record."""
    when = cn_date(meeting.held[:10])
    people = [{"dept": dept, "name": name, "title": "", "phone": ""} for dept, name in meeting.depts]
    return {
        "meeting_notice": {"recipients": [dept for dept, _ in meeting.depts], "subject": meeting.topic,
                           "meeting_time": when, "meeting_place": meeting.place, "topics": [meeting.topic],
                           "attendee_req": "、".join(f"{dept}{name}" for dept, name in meeting.depts)},
        "signin": {"meeting_title": meeting.topic, "meeting_time": when, "meeting_place": meeting.place,
                   "attendees": people},
        "meeting": {"subject": meeting.topic, "meeting_time": when, "meeting_place": meeting.place,
                    "convener": meeting.convener,
                    "attendees": [{k: p[k] for k in ("dept", "name", "title")} for p in people]},
    }


def _render(archive: Archive, meeting: Meeting, form_ids: list[str], extra: dict[str, dict],
            values: FormValues | None) -> list[Generated]:
    """Render the forms with the meeting's values under the staff's own (theirs win), and attach them."""
    values = values or FormValues()
    known = _known(meeting)
    data = dict(values.data)
    for form_id in form_ids:
        given = data.get(form_id, {})
        data[form_id] = {**known[form_id], **extra.get(form_id, {}), **given}
    generated = generate_forms(archive, meeting.case_no, form_ids, FormValues(data, values.sets))
    attach_items(archive, meeting, [g.docx.item_no for g in generated])
    return generated


def call_meeting(archive: Archive, case_no: str, topic: str, held: date, place: str, convener: str,
                 depts: list[str], values: FormValues | None = None) -> MeetingPapers:
    """Record a meeting and render its 会议通知 and 会议签到表, both part of it."""
    meeting = record_meeting(archive, case_no, topic, held, place, convener, depts)
    return MeetingPapers(meeting, _render(archive, meeting, ["meeting_notice", "signin"], {}, values), [])


def write_minutes(archive: Archive, meeting_id: int, issues: str, decisions: list[str], recorder: str,
                  values: FormValues | None = None) -> MeetingPapers:
    """Record what a meeting agreed and render its 会议记录表 with those decisions, part of the meeting."""
    meeting = get_meeting(archive, meeting_id)
    parsed = [parse_decision(entry) for entry in decisions]
    rows = [{"item": issue, "owner": dept, "deadline": cn_date(deadline) if deadline else ""}
            for issue, dept, deadline in parsed]
    extra = {"meeting": {"recorder": recorder, "issues": issues, "resolutions": rows}}
    # The form first: a refused form records no decision.
    generated = _render(archive, meeting, ["meeting"], extra, values)
    return MeetingPapers(meeting, generated, add_decisions(archive, meeting, parsed))
