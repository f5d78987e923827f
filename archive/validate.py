"""Rules for project facts: 统一社会信用代码 (GB 32100-2015), phone numbers, 项目代码."""

import re

CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")
PROJECT_CODE = re.compile(r"^\d{4}-\d{6}-\d{2}-\d{2}-\d{6}$")


def credit_check_char(first17: str) -> str:
    """Return the check character of an 18-character unified social credit code."""
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS))
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
