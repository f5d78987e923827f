"""Turn raw field values (typed data, TOML, --set strings) into the type the catalog declares."""

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from docgen.catalog import FieldSpec
from docgen.formatting import cn_date, to_date

LIST_SEPARATORS = re.compile(r"[\n;；]+")
MONEY_UNITS = ("万元", "元")
DEADLINE_ENDS = ("前", "内", "止")


def is_blank(value: object) -> bool:
    """True for values that count as not filled in: None, blank text, empty collections."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple, set, frozenset, Mapping)):
        return len(value) == 0
    return False


def empty_value(field: FieldSpec) -> object:
    """The value an optional field takes when nothing was given."""
    if field.type in ("list", "table", "checkbox"):
        return []
    if field.type == "text":
        return ""
    return None


def coerce(field: FieldSpec, value: object) -> object:
    """Return value as the field's type; raise ValueError with a Chinese reason otherwise."""
    if value is None:
        return empty_value(field)
    converter = CONVERTERS.get(field.type)
    if converter is None:
        return value
    return converter(field, value)


def _text(field: FieldSpec, value: object) -> str:
    if isinstance(value, str):
        return _trimmed(value, field.trim) if field.trim else value
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return str(value)
    raise ValueError(f"应为文字，得到 {type(value).__name__}")


def _trimmed(value: str, words: tuple[str, ...]) -> str:
    text = value.strip()
    for word in words:
        if text.startswith(word) and len(text) > len(word):
            text = text[len(word):].lstrip()
            break
    for word in words:
        if text.endswith(word) and len(text) > len(word):
            text = text[:-len(word)].rstrip()
            break
    return text


def _date(field: FieldSpec, value: object):
    return to_date(value)


def _deadline(field: FieldSpec, value: object) -> str:
    """A time limit that reads after "请于": a date becomes "2026年12月10日前"; "收函后5个工作日内" stays."""
    if isinstance(value, str):
        text = value.strip().removeprefix("请于").strip()
        if not text or text.endswith(DEADLINE_ENDS):
            return text
        try:
            value = to_date(text)
        except ValueError:
            return text + "前"
    return f"{cn_date(value)}前"


def _money(field: FieldSpec, value: object) -> float | None:
    if isinstance(value, bool):
        raise ValueError("应为金额（万元）")
    if isinstance(value, (int, float, Decimal)):
        return float(value)
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "")
        for unit in MONEY_UNITS:
            text = text.removesuffix(unit).strip()
        if not text:
            return None
        try:
            return float(Decimal(text))
        except InvalidOperation as exc:
            raise ValueError(f"不是金额：{value!r}（应为以万元计的数字，如 12500.5）") from exc
    raise ValueError(f"不是金额：{value!r}")


def _int(field: FieldSpec, value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    if isinstance(value, str) and not value.strip():
        return None
    raise ValueError(f"不是整数：{value!r}")


def _bool(field: FieldSpec, value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip() in ("是", "true", "1", "yes"):
        return True
    if isinstance(value, str) and value.strip() in ("否", "false", "0", "no", ""):
        return False
    raise ValueError(f"应为 是/否：{value!r}")


def _items(value: object) -> list:
    if isinstance(value, str):
        return [item.strip() for item in LIST_SEPARATORS.split(value) if item.strip()]
    if isinstance(value, (list, tuple)):
        return list(value)
    raise ValueError(f"应为列表（或用分号、换行分隔的文字），得到 {type(value).__name__}")


def _list(field: FieldSpec, value: object) -> list:
    return [_text(field, item) for item in _items(value)]


def _checkbox(field: FieldSpec, value: object) -> list:
    chosen = _list(field, value)
    if field.choices:
        unknown = [item for item in chosen if item not in field.choices]
        if unknown:
            raise ValueError(f"选项 {'、'.join(unknown)} 不在可选项中（{'、'.join(field.choices)}）")
    return chosen


def _table(field: FieldSpec, value: object) -> list[dict]:
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"应为表格行的列表，得到 {type(value).__name__}")
    return [_row(field, number, row) for number, row in enumerate(value, start=1)]


def _row(field: FieldSpec, number: int, row: object) -> dict:
    columns = field.columns
    if isinstance(row, (list, tuple)) and columns:
        if len(row) != len(columns):
            raise ValueError(f"第 {number} 行有 {len(row)} 列，应为 {len(columns)} 列（{'、'.join(columns)}）")
        row = dict(zip(columns, row, strict=True))
    if not isinstance(row, Mapping):
        raise ValueError(f"第 {number} 行应为键值表，得到 {type(row).__name__}")
    if not columns:
        return dict(row)
    unknown = [key for key in row if key not in columns]
    if unknown:
        raise ValueError(f"第 {number} 行含未知列 {'、'.join(map(str, unknown))}（可用列：{'、'.join(columns)}）")
    return {column: "" if row.get(column) is None else row[column] for column in columns}


CONVERTERS = {
    "text": _text,
    "date": _date,
    "deadline": _deadline,
    "money": _money,
    "int": _int,
    "bool": _bool,
    "list": _list,
    "checkbox": _checkbox,
    "table": _table,
}
