"""How values print on official forms: Chinese dates, amounts in 万元, 大写 amounts, check boxes, and
short values (names, codes, dates) that a line never breaks."""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal

from markupsafe import Markup

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
GROUP_UNITS = ("", "万", "亿", "万亿")
YUAN_PER_WAN = Decimal(10000)
# A chosen option prints as the tick the forms ask for ("在□内打√"): ☑ is in none of the shipped CJK
# faces (only in fonts-noto-core's symbols face, a sans glyph among 仿宋), √ is in all of them.
CHECKED, UNCHECKED = "√", "□"
# U+2060 WORD JOINER: no line break between the characters it joins; it prints nothing.
WORD_JOINER = "\u2060"
UNBROKEN_CHARS = 10
_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z\-/.]{1,39}")


def to_date(value: object) -> datetime.date | None:
    """Read a date from a date, datetime, ISO text or Chinese date text; None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        return _parse_date_text(value.strip())
    raise ValueError(f"不是日期：{value!r}")


def _parse_date_text(text: str) -> datetime.date:
    for sep in ("-", "/", "."):
        text = text.replace(sep, " ")
    text = text.replace("年", " ").replace("月", " ").replace("日", "")
    parts = text.split()
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() for p in parts):
        raise ValueError(f"不是日期：{text!r}（应为 2026-03-05 或 2026年3月5日）")
    year, month, day = (int(p) for p in parts)
    try:
        return datetime.date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"不是有效日期：{text!r}") from exc


def cn_date(value: object) -> str:
    """Print a date the Chinese official way: 2026年3月5日 (empty for None)."""
    day = to_date(value)
    if day is None:
        return ""
    return f"{day.year}年{day.month}月{day.day}日"


def money(value: object, unit: str = "万元", places: int = 2) -> str:
    """Print an amount with thousands separators and its unit: 12,500.00万元 (empty for None)."""
    if value is None or value == "":
        return ""
    amount = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{amount:,.{places}f}{unit}"


def money_upper(value: object, unit: str = "万元") -> str:
    """Print an amount given in 万元 (or 元 with unit="元") in 大写: 壹亿贰仟伍佰万元整."""
    if value is None or value == "":
        return ""
    amount = Decimal(str(value))
    yuan = amount * YUAN_PER_WAN if unit == "万元" else amount
    return cn_upper_yuan(yuan)


def cn_upper_yuan(amount: Decimal) -> str:
    """Write an amount of 元 in financial capitals (人民币大写), rounded to the 分."""
    fen_total = int((abs(amount) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    yuan, rest = divmod(fen_total, 100)
    jiao, fen = divmod(rest, 10)
    sign = "负" if amount < 0 and fen_total else ""
    integer = _upper_integer(yuan)
    if not jiao and not fen:
        return f"{sign}{integer or DIGITS[0]}元整"
    head = f"{integer}元" if integer else ""
    if jiao:
        head += f"{DIGITS[jiao]}角"
    elif integer:
        head += DIGITS[0]
    if fen:
        head += f"{DIGITS[fen]}分"
    return sign + head


def _upper_integer(number: int) -> str:
    groups = []
    while number:
        number, group = divmod(number, 10000)
        groups.append(group)
    text, pending_zero = "", False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            pending_zero = bool(text)
            continue
        if text and (pending_zero or group < 1000):
            text += DIGITS[0]
        text += _upper_group(group) + GROUP_UNITS[index]
        pending_zero = False
    return text


def _upper_group(group: int) -> str:
    text, zero = "", False
    for position in (3, 2, 1, 0):
        digit = group // 10**position % 10
        if digit == 0:
            zero = bool(text)
            continue
        if zero:
            text += DIGITS[0]
            zero = False
        text += DIGITS[digit] + SMALL_UNITS[position]
    return text


def box(choice: object, selected: object) -> str:
    """Return √ when choice is among the selected values (or is true), else □."""
    if isinstance(selected, (list, tuple, set, frozenset)):
        return CHECKED if choice in selected else UNCHECKED
    return CHECKED if choice == selected else UNCHECKED


def unbroken(value: object) -> object:
    """Join a short value's characters so no line breaks inside it: a name (秦晓燕), 第四季度, a date, a code.

    Applied to every printed value (the Jinja finalize hook); longer text still wraps as usual.
    """
    if not isinstance(value, str) or isinstance(value, Markup) or len(value) < 2:
        return value
    if (len(value) <= UNBROKEN_CHARS and not any(c.isspace() for c in value)) or _CODE.fullmatch(value):
        return WORD_JOINER.join(value)
    return value


FILTERS = {"cn_date": cn_date, "money": money, "money_upper": money_upper, "box": box}
