"""The agency's calendar file (calendar.toml in the data root): a year's holiday schedule as the State
Council publishes it, for years chinesecalendar does not know yet or to correct it.

    [2027]
    days_off = ["2027-01-01", "2027-02-15"]   # 放假的日期（周末可一并列出）
    make_up = ["2027-02-20"]                  # 调休上班的周末
"""

import tomllib
from datetime import date
from pathlib import Path

from archive.base.errors import ValidationError
from archive.base.workdays import SATURDAY, WorkCalendar, YearSchedule
from archive.dataroot.folders import DataRoot

KEYS = {"days_off": "放假日期", "make_up": "调休上班日期"}


def _dates(source: Path, year: int, key: str, values: object) -> frozenset[date]:
    if not isinstance(values, list):
        raise ValidationError(f"{source}：[{year}] {key}（{KEYS[key]}）应为日期列表，如 [\"{year}-01-01\"]")
    found = set()
    for value in values:
        try:
            day = value if isinstance(value, date) else date.fromisoformat(str(value))
        except ValueError:
            raise ValidationError(f"{source}：[{year}] {key} 中的“{value}”不是日期（格式 YYYY-MM-DD）") from None
        if day.year != year:
            raise ValidationError(f"{source}：[{year}] {key} 中的 {day} 不在 {year} 年")
        found.add(day)
    return frozenset(found)


def _schedule(source: Path, name: str, table: object) -> tuple[int, YearSchedule]:
    if not (name.isdigit() and len(name) == 4) or not isinstance(table, dict):
        raise ValidationError(f"{source}：[{name}] 不是年份表（应为 [2027] 这样的四位年份）")
    year = int(name)
    if unknown := sorted(set(table) - set(KEYS)):
        raise ValidationError(f"{source}：[{year}] 中有未知的项 {'、'.join(unknown)}（只能是 days_off、make_up）")
    days_off = _dates(source, year, "days_off", table.get("days_off", []))
    make_up = _dates(source, year, "make_up", table.get("make_up", []))
    if weekdays := sorted(d for d in make_up if d.weekday() < SATURDAY):
        raise ValidationError(f"{source}：[{year}] make_up 中的 {'、'.join(map(str, weekdays))} 不是周末，"
                              "调休上班日应为周六或周日")
    if both := sorted(days_off & make_up):
        raise ValidationError(f"{source}：[{year}] {'、'.join(map(str, both))} 同时列为放假和调休上班")
    return year, YearSchedule(days_off, make_up)


def parse_calendar(text: str, source: Path) -> dict[int, YearSchedule]:
    """Read and check a calendar file's text; raise ValidationError naming the file and the entry at fault."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError(f"{source}：不是有效的 TOML（{exc}）") from None
    return dict(_schedule(source, name, table) for name, table in raw.items())


def load_calendar(root: DataRoot) -> WorkCalendar:
    """The working-day calendar of a data root: its calendar.toml (when present) over chinesecalendar."""
    path = root.calendar_file
    if not path.is_file():
        return WorkCalendar()
    return WorkCalendar(parse_calendar(path.read_text(encoding="utf-8"), path))
