"""Chinese working days: weekends, public holidays and 调休 make-up days from chinesecalendar, the agency's
own published years over it, and an estimate (估算) named by its year when no schedule is known."""

from datetime import date
from pathlib import Path

import pytest

from archive.base.errors import ValidationError
from archive.base.workdays import WorkCalendar, YearSchedule, add_workdays
from archive.dataroot.calendar import load_calendar, parse_calendar
from archive.dataroot.folders import DataRoot

BUILT_IN = WorkCalendar()


def test_national_day_and_its_make_up_saturday_count_as_published():
    # 2026: 10月1日至7日放假, 9月27日（周日）与10月10日（周六）上班.
    assert BUILT_IN.is_workday(date(2026, 10, 1)) == (False, False)
    assert BUILT_IN.is_workday(date(2026, 10, 10)) == (True, False)
    due = add_workdays(BUILT_IN, date(2026, 9, 30), 2)
    assert due.day == date(2026, 10, 9) and not due.estimated


def test_a_year_without_data_counts_weekends_only_and_says_so():
    due = add_workdays(BUILT_IN, date(2026, 12, 30), 3)
    # 12-31 (Thu) is a working day; 2027 is unknown: 1-1 (Fri) counts, 1-4 (Mon) is the third.
    assert due.day == date(2027, 1, 4) and due.estimated and due.unknown_years == (2027,)


def test_the_agencys_published_year_replaces_the_estimate():
    published = WorkCalendar({2027: YearSchedule(frozenset({date(2027, 1, 1)}), frozenset({date(2027, 1, 9)}))})
    due = add_workdays(published, date(2026, 12, 31), 1)
    assert due.day == date(2027, 1, 4) and not due.estimated
    assert published.is_workday(date(2027, 1, 9)) == (True, False)


def test_zero_working_days_is_the_start_itself():
    assert add_workdays(BUILT_IN, date(2026, 10, 3), 0).day == date(2026, 10, 3)


def test_the_calendar_file_is_read_from_the_data_root(tmp_path):
    root = DataRoot(tmp_path)
    assert load_calendar(root).published == {}
    root.calendar_file.write_text('[2027]\ndays_off = ["2027-01-01", 2027-02-15]\nmake_up = ["2027-02-20"]\n',
                                  encoding="utf-8")
    schedule = load_calendar(root).published[2027]
    assert schedule.days_off == {date(2027, 1, 1), date(2027, 2, 15)} and schedule.make_up == {date(2027, 2, 20)}


@pytest.mark.parametrize(("text", "says"), [
    ("[2027\n", "不是有效的 TOML"),
    ('[27]\ndays_off = []\n', "四位年份"),
    ('[2027]\ndays_off = "2027-01-01"\n', "应为日期列表"),
    ('[2027]\ndays_off = ["2027-13-01"]\n', "“2027-13-01”不是日期"),
    ('[2027]\ndays_off = ["2026-12-31"]\n', "不在 2027 年"),
    ('[2027]\nmake_up = ["2027-02-22"]\n', "不是周末"),
    ('[2027]\ndays_off = ["2027-02-20"]\nmake_up = ["2027-02-20"]\n', "同时列为放假和调休上班"),
    ('[2027]\nholidays = []\n', "未知的项 holidays"),
])
def test_a_bad_calendar_file_is_refused_naming_the_file_and_the_entry(text, says):
    with pytest.raises(ValidationError) as refused:
        parse_calendar(text, Path("数据/calendar.toml"))
    assert str(refused.value).startswith("数据/calendar.toml：") and says in str(refused.value)
