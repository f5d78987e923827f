"""The agency's facts printed on forms (daiban.toml [agency]): show them, change one (logged), name the unset."""

import re
from dataclasses import asdict, dataclass
from pathlib import Path

from archive.base.errors import UsageError, ValidationError
from archive.casework.facts import phone_problem
from archive.casework.values import text_problem
from archive.catalog.events import append
from archive.catalog.session import Archive, init_archive
from archive.dataroot.matterlibrary import write_starter
from archive.dataroot.settings import Agency, load_settings, set_setting
from docgen import contract
from docgen.signature import SELF_SIGNED_MARK, make_self_signed

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
# Names a 文号 and the forms need; the others may be cleared (a form needing one is then refused).
REQUIRED = frozenset({"name", "short"})
# The 全宗号 is part of every 档号 already given; it is chosen once, at `daiban init`.
FIXED = frozenset({"fonds"})
MAX_SETTING = 200
KEYS_FOLDER = "keys"


@dataclass(frozen=True)
class AgencySetting:
    """One [agency] value: its key (agency.phone), Chinese label and current value."""

    key: str
    label: str
    value: str


@dataclass(frozen=True)
class SettingChanged:
    """What `config set` changed."""

    key: str
    label: str
    old: str
    new: str


def setting_command(key: str) -> str:
    """The command that sets one agency value, for messages."""
    return f"daiban config set {key} 值"


def agency_settings(archive: Archive) -> list[AgencySetting]:
    """Every [agency] value of daiban.toml with its label, in the order forms use them."""
    values = asdict(archive.settings.agency)
    labels = contract.labels()
    return [AgencySetting(f"agency.{name}", labels[f"agency.{name}"], values[name]) for name in values]


def unset_agency_settings(agency: Agency) -> list[AgencySetting]:
    """The agency values not configured yet (forms that print them are refused until they are)."""
    labels = contract.labels()
    return [AgencySetting(f"agency.{name}", labels[f"agency.{name}"], "")
            for name, value in asdict(agency).items() if not value.strip()]


def new_archive(path: Path, actor: str, agency: Agency, group: str = "", self_signed: bool = False) -> Archive:
    """Check the agency's facts, then create the data root (daiban init), with a self-signed signing key pair
    for trying the dossier signature when asked."""
    labels = contract.labels()
    problems = [p for name, value in asdict(agency).items()
                if (p := _value_problem(name, labels[f"agency.{name}"], value.strip()))]
    if problems:
        raise ValidationError("机构信息有误：\n  " + "\n  ".join(problems) + f"\n未创建数据根目录 {path}")
    archive = init_archive(path, actor, Agency(**{k: v.strip() for k, v in asdict(agency).items()}), group)
    write_starter(archive.root)
    if self_signed:
        _self_signed_pair(archive)
    return archive


def _self_signed_pair(archive: Archive) -> None:
    key, cert = make_self_signed(archive.root.path / KEYS_FOLDER, archive.settings.agency.name)
    with archive.write() as conn:
        append(conn, archive.actor, "settings.changed", key="signing", new=SELF_SIGNED_MARK)
        for name, path in (("key", key), ("cert", cert)):
            set_setting(archive.root, "signing", name, str(path.relative_to(archive.root.path)))
    archive.settings = load_settings(archive.root)


def change_agency_setting(archive: Archive, key: str, value: str) -> SettingChanged:
    """Check and record one agency value in daiban.toml; the change is in the event log."""
    name = _settable_name(key)
    label = contract.labels()[key]
    value = value.strip()
    problem = _value_problem(name, label, value)
    if problem:
        raise ValidationError(f"{problem}——未更改 daiban.toml")
    old = getattr(archive.settings.agency, name)
    with archive.write() as conn:
        append(conn, archive.actor, "settings.changed", key=key, old=old, new=value)
        set_setting(archive.root, "agency", name, value)
    archive.settings = load_settings(archive.root)
    return SettingChanged(key, label, old, value)


def _settable_name(key: str) -> str:
    names = [f.name for f in contract.AGENCY]
    if key not in names:
        raise UsageError(f"未知的设置项：{key}；可设置：{'、'.join(n for n in names if n[7:] not in FIXED)}")
    name = key.removeprefix("agency.")
    if name in FIXED:
        raise UsageError(f"{key}（全宗号）在 daiban init 时确定，已编的档号都含有它，不能更改")
    return name


def _value_problem(name: str, label: str, value: str) -> str | None:
    if problem := text_problem(label, value, limit=MAX_SETTING):
        return problem
    if not value:
        return f"{label}不能为空" if name in REQUIRED else None
    if name == "phone":
        return phone_problem(value)
    if name == "report_email" and not EMAIL.match(value):
        return f"邮箱“{value}”格式不正确（如 name@example.gov.cn）"
    return None
