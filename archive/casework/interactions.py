"""政企互动 activities (seed 004): the agency's meetings and visits with enterprises, counted per quarter.

An activity is an event of the log (记录政企互动活动), as a ledger line is: the quarter's
各单位开展政企互动情况统计表 and the quarterly report read them from there, never from a second copy.
"""

from dataclasses import dataclass
from datetime import date

from archive.base.workdays import Quarter
from archive.casework.values import checked_text, past_day, required_text
from archive.catalog import events
from archive.catalog.session import Archive

ADDED = "interaction.added"


@dataclass(frozen=True)
class Interaction:
    """One 政企互动 activity: when, where, which enterprises took part, what was done."""

    seq: int
    day: date
    place: str
    companies: str
    content: str
    note: str
    actor: str


def add_interaction(archive: Archive, on: date, place: str, companies: str, content: str,
                    note: str = "") -> Interaction:
    """Record a 政企互动 activity that took place (the agency's, not a case's)."""
    past_day(on, "只记录已经开展的政企互动活动")
    values = {"place": required_text("活动地点", place), "companies": required_text("参加企业", companies),
              "content": required_text("活动内容", content, multiline=True), "note": checked_text("备注", note).strip()}
    event = events.record(archive, ADDED, on=on.isoformat(), **values)
    return _interaction(event)


def _interaction(event: events.Event) -> Interaction:
    d = event.details
    return Interaction(event.seq, date.fromisoformat(d["on"]), d.get("place", ""), d.get("companies", ""),
                       d.get("content", ""), d.get("note", ""), event.actor)


def interactions_in(archive: Archive, quarter: Quarter) -> list[Interaction]:
    """The activities held in a quarter, by date (for the 统计表 and the quarterly report)."""
    found = [_interaction(e) for e in events.read_actions(archive, (ADDED,))]
    return sorted((i for i in found if quarter.holds(i.day)), key=lambda i: (i.day, i.seq))


def list_interactions(archive: Archive, quarter_text: str) -> list[Interaction]:
    """Show a quarter's 政企互动 activities (the reading is logged)."""
    quarter = Quarter.parse(quarter_text)
    found = interactions_in(archive, quarter)
    events.record(archive, "interactions.listed", quarter=quarter.label)
    return found
