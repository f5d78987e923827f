"""The working-day calendar of a data root as staff see and keep it: a year's days off and make-up days,
and a year's published schedule added to calendar.toml (validated, logged)."""

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from archive.base.atomicio import atomic_output
from archive.base.errors import InputFileError, UsageError
from archive.base.workdays import SATURDAY, YearSchedule
from archive.catalog import events
from archive.catalog.session import Archive
from archive.dataroot.calendar import load_calendar, parse_calendar

HEADER = """\
# daiban 工作日日历：国务院办公厅公布的节假日安排（每年11月前后发布），优先于内置数据（chinesecalendar）。
# days_off：放假日期（周末可一并列出）；make_up：调休上班的周末。由 daiban calendar add-year 写入，也可直接编辑。
"""


@dataclass(frozen=True)
class YearView:
    """One year as daiban counts it: where its data comes from, its weekday days off and weekend working days."""

    year: int
    source: str
    days_off: list[date]
    make_up: list[date]
    workdays: int


def _days(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=n) for n in range((date(year + 1, 1, 1) - first).days)]


def show_year(archive: Archive, year: int) -> YearView:
    """How daiban counts the working days of a year, and from which data."""
    calendar = load_calendar(archive.root)
    judged = [(day, *calendar.is_workday(day)) for day in _days(year)]
    estimated = any(guessed for _, _, guessed in judged)
    source = ("机构日历（calendar.toml）" if year in calendar.published
              else "无数据：只按周末计算（估算）" if estimated else "内置数据（chinesecalendar）")
    return YearView(year, source, [d for d, working, _ in judged if not working and d.weekday() < SATURDAY],
                    [d for d, working, _ in judged if working and d.weekday() >= SATURDAY],
                    sum(working for _, working, _ in judged))


def _toml(schedules: dict[int, YearSchedule]) -> str:
    def dates(days: frozenset[date]) -> str:
        return "[" + ", ".join(f'"{d}"' for d in sorted(days)) + "]"

    tables = [f"[{year}]\ndays_off = {dates(s.days_off)}\nmake_up = {dates(s.make_up)}\n"
              for year, s in sorted(schedules.items())]
    return HEADER + "\n" + "\n".join(tables)


def add_year(archive: Archive, year: int, source: Path, replace: bool = False) -> YearView:
    """Add a year's published schedule from a TOML file holding its [YEAR] table; nothing changes on error."""
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"{source}：无法读取（{exc}）") from None
    given = parse_calendar(text, source)
    if set(given) != {year}:
        found = "、".join(map(str, sorted(given))) or "没有"
        raise UsageError(f"{source}：应只含 [{year}] 一节，实际为 {found}")
    published = dict(load_calendar(archive.root).published)
    if year in published and not replace:
        raise UsageError(f"calendar.toml 已有 {year} 年的安排；要替换请加 --replace")
    published[year] = given[year]
    with atomic_output(archive.root.calendar_file) as handle:
        handle.write(_toml(published).encode("utf-8"))
    schedule = given[year]
    events.record(archive, "calendar.year_added", year=year, days_off=len(schedule.days_off),
                  make_up=len(schedule.make_up), replaced=replace)
    return show_year(archive, year)
