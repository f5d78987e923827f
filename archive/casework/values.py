"""What a value typed or loaded by a user must be before it is stored: its type, its size, no hidden characters.

TOML files give numbers, booleans, dates and lists as such; a fact that must be
text, a number or a list of names is refused naming the field and what came.
"""

import datetime
import math
import re

from archive.base.errors import UsageError, ValidationError

MAX_TEXT = 1000
MAX_AMOUNT = 1e9
# Control characters are invisible on a form and break files that carry the text;
# line breaks are allowed only where a value is a paragraph.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LINE_BREAK = re.compile(r"[\r\n]")


def kind_of(value: object) -> str:
    """The Chinese name of what a value is, for messages."""
    if isinstance(value, bool):
        return f"布尔值 {str(value).lower()}"
    if isinstance(value, int | float):
        return f"数字 {value}"
    if isinstance(value, datetime.date | datetime.time):
        return f"日期或时间 {value}"
    if isinstance(value, list | tuple):
        return "列表"
    if isinstance(value, dict):
        return "表"
    return type(value).__name__


def text_problem(label: str, value: object, multiline: bool = False, limit: int = MAX_TEXT) -> str | None:
    """Explain why a value cannot be stored as this text field, or None when it can."""
    if not isinstance(value, str):
        return f"{label}应为文字，收到的是{kind_of(value)}"
    if len(value) > limit:
        return f"{label}过长：{len(value)} 个字符，最多 {limit} 个"
    if CONTROL.search(value):
        return f"{label}含有不可见的控制字符（如 NUL），请删除后重试"
    if not multiline and LINE_BREAK.search(value):
        return f"{label}不能换行"
    return None


def amount_problem(label: str, value: object) -> str | None:
    """Explain why a value cannot be stored as an amount (万元), or None when it can."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{label}应为数字（单位：万元），收到的是{kind_of(value)}"
    if not math.isfinite(value):
        return f"{label}应为有限的数字，收到的是 {value}"
    if not 0 <= value <= MAX_AMOUNT:
        return f"{label}应在 0 到 {MAX_AMOUNT:.0f} 万元之间，收到的是 {value}"
    return None


def past_day(on: datetime.date | None, what: str) -> None:
    """Refuse a day after today: only what has happened is recorded (what says so in the message)."""
    if on is not None and on > datetime.date.today():
        raise UsageError(f"日期 {on} 在今天之后：{what}")


def required_text(label: str, value: object, multiline: bool = False) -> str:
    """The value stripped, once it may be stored as this text field and is not empty, else an error naming it."""
    value = checked_text(label, value, multiline).strip()
    if not value:
        raise UsageError(f"{label}不能为空")
    return value


def checked_text(label: str, value: object, multiline: bool = False, limit: int = MAX_TEXT) -> str:
    """Return the value if it may be stored as this text field, else raise ValidationError naming it."""
    if problem := text_problem(label, value, multiline, limit):
        raise ValidationError(problem)
    return value
