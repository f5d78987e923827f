"""Deadlines as an iCalendar file (RFC 5545, icalendar): one all-day event per deadline, so staff see
them in any calendar application."""

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar

from archive.base.atomicio import atomic_output
from archive.casework.deadlines import Deadline, DueList, due
from archive.catalog.session import Archive


def _uid(deadline: Deadline) -> str:
    # Stable across exports, so that importing a newer file updates events instead of doubling them.
    key = f"{deadline.case_no}|{deadline.rule}|{deadline.what}".encode()
    return f"{hashlib.sha256(key).hexdigest()[:24]}@daiban"


def _event(deadline: Deadline, stamp: datetime) -> icalendar.Event:
    event = icalendar.Event()
    label = f"[{deadline.case_no}] " if deadline.case_no else ""
    estimated = "（估算）" if deadline.estimated else ""
    event.add("uid", _uid(deadline))
    event.add("dtstamp", stamp)
    event.add("dtstart", deadline.due)
    event.add("dtend", deadline.due + timedelta(days=1))
    event.add("summary", f"{label}{deadline.what}{estimated}")
    lines = [f"依据：{deadline.basis}", f"项目长：{deadline.manager}"]
    if deadline.estimated:
        years = "、".join(map(str, deadline.unknown_years))
        lines.append(f"估算：{years} 年的节假日安排尚未录入，只按周末计算")
    event.add("description", "\n".join(lines))
    event.add("categories", [deadline.manager])
    return event


def write_ics(deadlines: Sequence[Deadline], out: Path) -> Path:
    """Write the deadlines to out as an .ics calendar (atomically)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//daiban//到期事项//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "daiban 到期事项")
    stamp = datetime.now(UTC)
    for deadline in deadlines:
        calendar.add_component(_event(deadline, stamp))
    with atomic_output(out) as handle:
        handle.write(calendar.to_ical())
    return out


def due_calendar(archive: Archive, out: Path, days: int = 14, overdue_only: bool = False,
                 manager: str | None = None) -> DueList:
    """List what is due (as `daiban due` does) and write it to out as an .ics calendar."""
    listing = due(archive, days, overdue_only, manager)
    write_ics(listing.deadlines, out)
    return listing
