"""Project facts from the user and the rules they must meet: 统一社会信用代码 (GB 32100-2015),
phone numbers, 项目代码, required facts, project type."""

import re
import tomllib
from dataclasses import fields
from pathlib import Path

from archive.base.errors import UsageError, ValidationError
from archive.base.terms import FACT_LABELS, PROJECT_TYPES, REQUIRED_FACTS
from archive.casework.values import amount_problem, kind_of, text_problem
from archive.catalog.cases import CaseFacts
from docgen.formatting import money

CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")
PROJECT_CODE = re.compile(r"^\d{4}-\d{6}-\d{2}-\d{2}-\d{6}$")
MAX_NAME = 100


def credit_check_char(first17: str) -> str:
    """Return the check character of an 18-character unified social credit code."""
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARS[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """Explain what is wrong with a credit code, or None when it is valid."""
    if len(code) != 18:
        return f"统一社会信用代码应为18位，“{code}”为{len(code)}位"
    bad = sorted({c for c in code if c not in CREDIT_CHARS})
    if bad:
        return f"统一社会信用代码“{code}”含非法字符：{''.join(bad)}（不得使用 I O Z S V 及小写字母）"
    expected = credit_check_char(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码“{code}”校验位错误：末位应为 {expected}"
    return None


def phone_problem(phone: str) -> str | None:
    """Explain what is wrong with a phone number, or None when it is valid."""
    if PHONE.match(phone.replace(" ", "")):
        return None
    return f"电话号码“{phone}”格式不正确（手机11位，如13812345678；座机如0356-2021234）"


def project_code_problem(code: str) -> str | None:
    """Explain what is wrong with a 项目代码, or None when it is valid or absent."""
    if not code or PROJECT_CODE.match(code):
        return None
    return f"项目代码“{code}”格式不正确（应如 2026-140500-44-01-012345）"


# Facts that are paragraphs rather than one line.
MULTILINE = ("scale", "land", "location", "funding")


def _field_names(raw: dict) -> tuple[dict, list[str]]:
    by_label = {label: name for name, label in FACT_LABELS.items()}
    by_label.update({"总投资": "investment", "电话": "phone"})
    known = {f.name for f in fields(CaseFacts)}
    values, unknown = {}, []
    for key, value in raw.items():
        name = key if key in known else by_label.get(key)
        if name is None:
            unknown.append(str(key))
        else:
            values[name] = value
    return values, unknown


def _amount(value: object) -> object:
    if not isinstance(value, str):
        return value
    try:
        return float(value.replace(",", "").replace("万元", "").strip())
    except ValueError:
        return value


def _agents(value: object) -> object:
    return [a for a in re.split(r"[,，、\s]+", value) if a] if isinstance(value, str) else value


def _agents_problem(label: str, value: object) -> str | None:
    if not isinstance(value, list):
        return f"{label}应为姓名列表，收到的是{kind_of(value)}"
    return next(filter(None, (text_problem(label, name, limit=MAX_NAME) for name in value)), None)


def _type_problem(name: str, value: object) -> str | None:
    label = f"{FACT_LABELS[name]}（{name}）"
    if name == "investment":
        return amount_problem(label, value) if value is not None else None
    if name == "agents":
        return _agents_problem(label, value)
    return text_problem(label, value, multiline=name in MULTILINE)


def facts_from_mapping(raw: dict) -> CaseFacts:
    """Build facts from a mapping keyed by English field names or their Chinese labels; every
    wrong type, size or character is refused naming the field."""
    values, unknown = _field_names(raw)
    if unknown:
        raise UsageError(f"未知的项目信息字段“{'、'.join(unknown)}”。可用字段：{'、'.join(FACT_LABELS.values())}")
    if "investment" in values:
        values["investment"] = _amount(values["investment"])
    if "agents" in values:
        values["agents"] = _agents(values["agents"])
    problems = [p for name, value in values.items() if (p := _type_problem(name, value))]
    if problems:
        raise ValidationError("项目信息有误：\n  " + "\n  ".join(problems))
    return CaseFacts(**values)


def read_facts_file(path: Path) -> dict:
    """Read project facts from a TOML file (English or Chinese keys)."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"项目信息文件不存在：{path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"项目信息文件 {path} 格式错误：{exc}") from None


def facts_problems(facts: CaseFacts) -> list[str]:
    """List every rule the facts break, in Chinese."""
    problems = [f"缺少必填项：{FACT_LABELS[name]}（{name}）" for name in REQUIRED_FACTS
                if not str(getattr(facts, name) or "").strip()]
    if facts.credit_code and (p := credit_code_problem(facts.credit_code)):
        problems.append(p)
    for phone in (facts.phone, facts.manager_phone):
        if phone and (p := phone_problem(phone)):
            problems.append(p)
    if p := project_code_problem(facts.project_code):
        problems.append(p)
    if facts.project_type and facts.project_type not in PROJECT_TYPES:
        problems.append(f"项目类型“{facts.project_type}”无效，应为：{'或'.join(PROJECT_TYPES)}")
    return problems


def labelled_facts(facts: CaseFacts) -> list[tuple[str, str]]:
    """The facts that are filled in, as (Chinese label, value as printed) pairs."""
    rows = []
    for name, label in FACT_LABELS.items():
        value = getattr(facts, name)
        if isinstance(value, list):
            value = "、".join(value)
        elif name == "investment" and value is not None:
            value = money(value)
        if value not in (None, ""):
            rows.append((label.removesuffix("（万元）"), str(value)))
    return rows
