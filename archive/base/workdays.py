"""Chinese working days (工作日): weekends, public holidays and 调休 make-up working days.

A year's schedule comes from the agency's own calendar file when it has one (the State Council's
notice, published each November), else from chinesecalendar (2004–2026 in 1.11.0). For a year neither
knows, only weekends are counted and every date computed through it is marked as an estimate (估算):
a deadline must never look exact when the holidays behind it are unknown.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar

from archive.base.errors import UsageError

SATURDAY = 5


@dataclass(frozen=True)
class YearSchedule:
    """One year as published: the weekdays that are days off, and the weekend days that are working days."""

    days_off: frozenset[date] = frozenset()
    make_up: frozenset[date] = frozenset()


@dataclass(frozen=True)
class WorkCalendar:
    """The working-day calendar: the agency's published years over chinesecalendar's."""

    published: dict[int, YearSchedule] = field(default_factory=dict)

    def is_workday(self, day: date) -> tuple[bool, bool]:
        """Whether day is a working day, and whether that is only estimated (no data for its year)."""
        if (schedule := self.published.get(day.year)) is not None:
            return (day in schedule.make_up or (day.weekday() < SATURDAY and day not in schedule.days_off)), False
        try:
            return chinese_calendar.is_workday(day), False
        except NotImplementedError:
            return day.weekday() < SATURDAY, True


class Estimated:
    """A result counted in working days that names the years whose holidays were unknown (then it is 估算)."""

    unknown_years: tuple[int, ...]

    @property
    def estimated(self) -> bool:
        """True when a year without holiday data was counted through."""
        return bool(self.unknown_years)


@dataclass(frozen=True)
class Due(Estimated):
    """A date counted in working days."""

    day: date
    unknown_years: tuple[int, ...] = ()


@dataclass(frozen=True)
class Span(Estimated):
    """How many working days lie between two dates."""

    days: int
    unknown_years: tuple[int, ...] = ()


def _days_after(calendar: WorkCalendar, start: date, unknown: set[int],
                until: date | None = None) -> Iterator[tuple[date, bool]]:
    """Each day after start (up to until) with whether it is a working day, noting the years guessed at."""
    day = start
    while until is None or day < until:
        day += timedelta(days=1)
        working, guessed = calendar.is_workday(day)
        if guessed:
            unknown.add(day.year)
        yield day, working


def add_workdays(calendar: WorkCalendar, start: date, count: int) -> Due:
    """The count-th working day after start (start itself not counted; 0 gives start)."""
    day, left, unknown = start, count, set()
    walk = _days_after(calendar, start, unknown)
    while left > 0:
        day, working = next(walk)
        left -= working
    return Due(day, tuple(sorted(unknown)))


def workdays_between(calendar: WorkCalendar, start: date, end: date) -> Span:
    """The working days after start up to and including end (0 when end is not after start)."""
    unknown: set[int] = set()
    days = sum(working for _, working in _days_after(calendar, start, unknown, end))
    return Span(days, tuple(sorted(unknown)))


@dataclass(frozen=True)
class Quarter:
    """A calendar quarter: its name and first and last day."""

    year: int
    number: int

    @property
    def start(self) -> date:
        """The quarter's first day."""
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        """The quarter's last day."""
        following = date(self.year + self.number // 4, 3 * self.number % 12 + 1, 1)
        return following - timedelta(days=1)

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        """Read 2026Q4, 2026-Q4 or 2026年第4季度."""
        found = re.fullmatch(r"\s*(\d{4})\s*(?:[-年]?\s*(?:Q|q|第)\s*([1-4])\s*(?:季度)?)\s*", text)
        if not found:
            raise UsageError(f"季度“{text}”无法识别，应写作 2026Q4 或 2026年第4季度")
        return cls(int(found.group(1)), int(found.group(2)))

    def holds(self, day: date) -> bool:
        """True when the day falls in the quarter."""
        return self.start <= day <= self.end

    @classmethod
    def containing(cls, day: date) -> "Quarter":
        """The quarter a day falls in."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def previous(self) -> "Quarter":
        """The quarter before this one."""
        return Quarter.containing(self.start - timedelta(days=1))

    @property
    def label(self) -> str:
        """The quarter as people write it."""
        return f"{self.year}年第{self.number}季度"
